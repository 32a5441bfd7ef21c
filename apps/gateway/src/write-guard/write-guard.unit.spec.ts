import { maintenancePage } from './maintenance-page';
import type { RebuildRun } from '@projectionist/rebuild-state';
import { GuardPolicy, holdingRun } from './write-guard';

const blocking = { id: 'r-1', projection: 'CarView', mode: 'blocking', phase: 'Rebuilding' } as RebuildRun;
const feeds: GuardPolicy['feeds'] = (projection) => (projection === 'CarView' ? ['car.created', 'customer.renamed'] : undefined);
const all: GuardPolicy = { scope: 'all', feeds };
const scoped: GuardPolicy = { scope: 'projection', feeds };

describe('holdingRun', () => {
  it.each([
    ['POST', '/api/customers', [blocking], 'r-1'],
    ['DELETE', '/api/cars/1', [blocking], 'r-1'],
    ['GET', '/api/cars/1', [blocking], undefined],
    ['POST', '/api/customers', [], undefined],
    ['POST', '/api/admin/projections/CarView/rebuilds', [blocking], undefined],
    ['DELETE', '/api/admin/rebuilds/r-1', [blocking], undefined],
    ['POST', '/api/streams/car-1/events', [blocking], undefined],
    ['POST', '/api/administrator', [blocking], 'r-1'],
  ])('scope all: %s %s → %s', (method, path, active, expected) => {
    expect(holdingRun({ method: method as string, path: path as string, produces: ['ProjectStarted'] }, active as RebuildRun[], all)?.id).toBe(expected);
  });

  it.each([
    ['a type the projection consumes', ['customer.renamed'], blocking, 'r-1'],
    ['only types it does not consume', ['ProjectStarted'], blocking, undefined],
    ['a route that declares no types (unknown: held)', undefined, blocking, 'r-1'],
    ['a projection this node does not know (unknown: held)', ['ProjectStarted'], { ...blocking, projection: 'Mystery' }, 'r-1'],
    ['a non-blocking rebuild', ['car.created'], { ...blocking, mode: 'background' }, undefined],
  ])('scope projection: a write of %s', (_, produces, run, expected) => {
    expect(holdingRun({ method: 'POST', path: '/api/x', produces: produces as string[] | undefined }, [run as RebuildRun], scoped)?.id).toBe(expected);
  });
});

describe('maintenancePage', () => {
  it('names the projection, phase and share done, says when to send again, and escapes what it shows', () => {
    const page = maintenancePage({ projection: 'Car<View>', phase: 'Rebuilding', progress: { processed: 250, total: 1000 }, retryAfterSeconds: 7 });
    expect(page).toContain('send it again in about 7 seconds');
    expect(page).toContain('<b>Car&#60;View&#62;</b> is being rebuilt (Rebuilding, 25 %)');
    expect(page).not.toContain('<View>');
  });

  it('says only that a read model is rebuilt when the state could not be read', () => {
    expect(maintenancePage({ projection: 'unknown' })).toContain('a read model is being rebuilt');
  });
});
