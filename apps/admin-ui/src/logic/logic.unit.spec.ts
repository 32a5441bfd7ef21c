import { run } from '../testing/fixtures';
import { formatAge, formatCount, formatDuration, formatRate, percent } from './format';
import { describeProgress, rebuildView } from './rebuild-view';
import { MAX_SEED_EVENTS, seedPlan, splitByGroup } from './seed-plan';

describe('format', () => {
  it.each([
    [undefined, '—'],
    [850, '850 ms'],
    [4200, '4.2 s'],
    [185_000, '3 min 05 s'],
    [7_800_000, '2 h 10 min'],
  ])('formatDuration(%p) = %p', (ms, text) => expect(formatDuration(ms)).toBe(text));

  it('formats counts, rates, ages and percentages', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatRate(135888.4)).toBe('135,888 ev/s');
    expect(formatAge('2026-12-01T10:00:00.000Z', Date.parse('2026-12-01T10:00:01.500Z'))).toBe('1.5 s ago');
    expect(percent(1, 3)).toBe(33);
    expect(percent(5, 0)).toBeUndefined();
    expect(percent(12, 10)).toBe(100);
  });
});

describe('rebuildView', () => {
  it('shows a running run with its progress, ETA and the time spent in each phase so far', () => {
    const view = rebuildView(run(), 1_600);
    expect(view).toMatchObject({ final: false, percent: 25, processed: 250, total: 1000, etaMs: 1500, durationMs: 600 });
    expect(view.phases.map((p) => p.tookMs)).toEqual([10, 90, 500]);
    expect(describeProgress(view)).toBe('Rebuilding: 25 % (250 of 1,000 events)');
  });

  it('shows a completed run as full and a failed one with its error and no ETA', () => {
    const done = rebuildView(run({ phase: 'Completed', history: [...run().history, { phase: 'Completed', at: 3_100 }] }), 99_999);
    expect(done).toMatchObject({ percent: 100, processed: 1000, durationMs: 2_100, etaMs: undefined });
    const failed = rebuildView(run({ phase: 'Failed', failure: { reason: 'boom', eventPosition: 77 }, history: [...run().history, { phase: 'Failed', at: 2_000 }] }), 9_999);
    expect(failed).toMatchObject({ percent: 25, final: true, failure: { reason: 'boom', eventPosition: 77 }, etaMs: undefined });
  });
});

describe('seedPlan', () => {
  it('plans the asked number of commands per domain, each group in dependency order', () => {
    const plan = seedPlan(23, 't');
    expect(plan.filter((c) => c.domain === 'repository')).toHaveLength(23);
    expect(plan.filter((c) => c.domain === 'dealership')).toHaveLength(23);
    // Whole groups only: 4 stays (a checked-out one every third group), the group and its payment.
    const hotel = plan.filter((c) => c.domain === 'hotel');
    expect(hotel.length).toBeLessThanOrEqual(23);
    expect(hotel.slice(0, 10).map((c) => c.path)).toEqual([
      '/api/stays',
      '/api/stays/seed-t-g0-s0/charges',
      '/api/stays',
      '/api/stays/seed-t-g0-s1/charges',
      '/api/stays',
      '/api/stays/seed-t-g0-s2/charges',
      '/api/stays',
      '/api/stays/seed-t-g0-s3/charges',
      '/api/group-checkouts',
      '/api/group-checkouts/seed-t-g0/payments',
    ]);
    expect(hotel[8].body).toEqual({ id: 'seed-t-g0', stayIds: ['seed-t-g0-s0', 'seed-t-g0-s1', 'seed-t-g0-s2', 'seed-t-g0-s3'] });
    const owed = hotel.slice(0, 8).reduce((sum, c) => sum + ((c.body.amount as number | undefined) ?? 0), 0);
    expect(hotel[9].body).toEqual({ amount: owed });
    const group = plan.filter((c) => c.group === 'dealership-0').map((c) => c.path);
    expect(group).toEqual(['/api/customers', '/api/cars', '/api/cars/seed-t-car0/repaint', '/api/cars/seed-t-car0/sell', '/api/customers/seed-t-cu0/rename']);
    expect(plan[0]).toEqual({ domain: 'repository', group: 'seed-t-p0', path: '/api/projects', body: { id: 'seed-t-p0', name: 'Project 0', organization: 'demo' } });
  });

  it.each([0, -1, 1.5, NaN, MAX_SEED_EVENTS + 1])('refuses %p events', (n) => {
    expect(() => seedPlan(n, 't')).toThrow(RangeError);
  });

  it('splits into lanes that keep each group whole and in order', () => {
    const plan = seedPlan(40, 't');
    const lanes = splitByGroup(plan, 4);
    expect(lanes).toHaveLength(4);
    expect(lanes.flat()).toHaveLength(plan.length);
    for (const lane of lanes) {
      for (const g of new Set(lane.map((c) => c.group))) {
        expect(lane.filter((c) => c.group === g)).toEqual(plan.filter((c) => c.group === g));
      }
    }
  });
});
