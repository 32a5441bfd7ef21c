import type { RebuildRun } from '@projectionist/rebuild-state';
import { holdingRun } from './write-guard';

const blocking = { id: 'r-1', projection: 'CarView', mode: 'blocking', phase: 'Rebuilding' } as RebuildRun;

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
  ])('%s %s → %s', (method, path, active, expected) => {
    expect(holdingRun(method as string, path as string, active as RebuildRun[])?.id).toBe(expected);
  });
});
