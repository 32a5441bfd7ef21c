import { singleStreamProjection } from '@projectionist/projections';
import { waitFor } from '@projectionist/testing';
import { ProjectionDaemon } from '../daemon/projection-daemon';
import { createDaemonFixture, DaemonFixture } from '../testing/daemon-fixture';

const STREAMS = 100;

/** One document per stream counting its events: the sum over the view is the number of events applied. */
const counter = (name: string) =>
  singleStreamProjection<{ n: number }>({ name, version: 1, eventTypes: [`count-${name}`], evolve: (doc) => ({ n: (doc?.n ?? 0) + 1 }) });

describe('online rebuild', () => {
  let f: DaemonFixture;
  beforeAll(async () => {
    f = await createDaemonFixture('online_rebuild');
  });
  afterAll(() => f.close());

  const q = (sql: string, values: unknown[] = []) => f.pool.query(sql.replace(/%s/g, `"${f.db.namespace}"`), values);
  const started = async (name: string) => {
    // Small rebuild pages and commits: the build takes many steps while writes go on.
    const daemon = f.daemon([counter(name)], { rebuildPageSize: 100, rebuildCommitEvery: 100 });
    await daemon.start(new Map([[name, await daemon.storage.fence.claim(name, 'node-1')]]));
    return daemon;
  };
  const append = async (name: string, n: number) => {
    for (let i = 0; i < n; i++) await f.store.append(`${name}-${i % STREAMS}`, [{ type: `count-${name}`, data: {} }]);
  };
  const viewSum = async (view: string) => Number((await q(`SELECT coalesce(sum((data->>'n')::int), 0) AS s FROM %s.${view}`)).rows[0].s);
  const phaseOf = (daemon: ProjectionDaemon) => daemon.progress()[0].rebuild?.phase;

  it('builds beside the live table while writes go on, and readers never see a table less complete than before', async () => {
    const daemon = await started('Online');
    await append('Online', 3_000);
    await daemon.waitForNonStale({ timeoutMs: 20_000 });

    let writing = true;
    let appended = 3_000;
    const writer = (async () => {
      while (writing) {
        await f.store.append(`Online-${appended % STREAMS}`, [{ type: 'count-Online', data: {} }]);
        appended++;
      }
    })();
    const sums: { sum: number; phase: string | undefined }[] = [];
    let reading = true;
    const reader = (async () => {
      while (reading) sums.push({ phase: phaseOf(daemon), sum: await viewSum('online') });
    })();

    const result = await daemon.rebuild('Online', { mode: 'online' });
    reading = false;
    writing = false;
    await Promise.all([reader, writer]);

    expect(result).toMatchObject({ status: 'completed' });
    if (result.status !== 'completed') return;
    // Each event adds one: a sum that went down would be a reader seeing a less complete table.
    for (let i = 1; i < sums.length; i++) expect(sums[i].sum).toBeGreaterThanOrEqual(sums[i - 1].sum);
    // The live table kept taking writes while the new one was being built.
    const building = sums.filter((s) => s.phase === 'building' || s.phase === 'catching-up');
    expect(building.length).toBeGreaterThan(1);
    expect(building[building.length - 1].sum).toBeGreaterThan(building[0].sum);
    expect(result.switchPauseMs).toBeLessThan(2_000);

    await daemon.waitForNonStale({ timeoutMs: 20_000 });
    expect(await viewSum('online')).toBe(appended);
    expect(Number((await q(`SELECT count(*) AS n FROM %s.online`)).rows[0].n)).toBe(STREAMS);
    expect((await q(`SELECT to_regclass($1) AS t`, [`"${f.db.namespace}".online_v1__rebuild`])).rows[0].t).toBeNull();
    expect((await q(`SELECT builder FROM %s.projection_leases WHERE projection = 'Online'`)).rows[0].builder).toBeNull();
    await daemon.stop();
  });

  it('leaves the live table and agent as they were when cancelled, and removes the new table', async () => {
    const daemon = await started('Cancelled');
    // 100 events a stream, appended a stream at a time: a build of 100 commits, time to cancel it.
    for (let i = 0; i < STREAMS; i++) await f.store.append(`Cancelled-${i}`, Array.from({ length: 100 }, () => ({ type: 'count-Cancelled', data: {} })));
    await daemon.waitForNonStale({ timeoutMs: 20_000 });
    const abort = new AbortController();
    const rebuilding = daemon.rebuild('Cancelled', { mode: 'online', signal: abort.signal });
    await waitFor('the build has started', () => phaseOf(daemon) === 'building');
    abort.abort();
    expect(await rebuilding).toMatchObject({ status: 'cancelled' });
    expect((await q(`SELECT to_regclass($1) AS t`, [`"${f.db.namespace}".cancelled_v1__rebuild`])).rows[0].t).toBeNull();
    await append('Cancelled', 10);
    await daemon.waitForNonStale({ timeoutMs: 20_000 });
    expect(await viewSum('cancelled')).toBe(10_010);
    await daemon.stop();
  });

  it('rolls back to the table it replaced, which then catches up on what came since, and drops it once kept long enough', async () => {
    // The same projection whose events count `weight` each: the rebuild is told apart from the table it replaced.
    let weight = 1;
    const weighted = singleStreamProjection<{ n: number }>({ name: 'Weighted', version: 1, eventTypes: ['count-Weighted'], evolve: (doc) => ({ n: (doc?.n ?? 0) + weight }) });
    const daemon = f.daemon([weighted], { rebuildPageSize: 100, rebuildCommitEvery: 100, keepPreviousMs: 60_000 });
    await daemon.start(new Map([['Weighted', await daemon.storage.fence.claim('Weighted', 'node-1')]]));
    await append('Weighted', 100);
    await daemon.waitForNonStale({ timeoutMs: 20_000 });
    weight = 2;
    expect(await daemon.rebuild('Weighted', { mode: 'online' })).toMatchObject({ status: 'completed' });
    expect(await viewSum('weighted')).toBe(200);
    await append('Weighted', 10);
    await daemon.waitForNonStale({ timeoutMs: 20_000 });
    expect(await viewSum('weighted')).toBe(220);

    const { pauseMs } = await daemon.rollback('Weighted');
    // The replaced table as it was at the switch (100), then the 10 events since, applied at weight 2.
    await daemon.waitForNonStale({ timeoutMs: 20_000 });
    expect(await viewSum('weighted')).toBe(120);
    expect(pauseMs).toBeLessThan(5_000);
    // A second rollback undoes the first: the rebuilt table, caught up too.
    await daemon.rollback('Weighted');
    await daemon.waitForNonStale({ timeoutMs: 20_000 });
    expect(await viewSum('weighted')).toBe(220);
    await daemon.stop();

    // Kept for less than a moment, the previous table is dropped by the next sweep.
    const sweeping = f.daemon([weighted], { keepPreviousMs: 1, progressIntervalMs: 50 });
    await sweeping.start(new Map([['Weighted', await sweeping.storage.fence.claim('Weighted', 'node-1')]]));
    const previous = async () => (await q(`SELECT to_regclass($1) AS t`, [`"${f.db.namespace}".weighted_v1__old`])).rows[0].t;
    await waitFor('the previous table dropped', async () => (await previous()) === null);
    await expect(sweeping.rollback('Weighted')).rejects.toThrow('has no previous table');
    await sweeping.stop();
  });
});
