import { singleStreamProjection } from '@projectionist/projections';
import { waitFor } from '@projectionist/testing';
import { createDaemonFixture, DaemonFixture } from '../testing/daemon-fixture';

const STREAMS = 100;
const EVENTS_PER_STREAM = 150;

/** One document per stream counting its events: the sum over the view is the number of events applied. */
const counter = (name: string) =>
  singleStreamProjection<{ n: number }>({ name, version: 1, eventTypes: [`count-${name}`], evolve: (doc) => ({ n: (doc?.n ?? 0) + 1 }) });

/**
 * An online rebuild whose node loses the projection mid-build (it died, or stopped answering and
 * another node took its lease) is resumed by the next holder from the checkpoint committed with
 * the new table: not from the start, no event applied twice, and nothing of the old holder's
 * written after the new one took over.
 */
describe('online rebuild resumed by the next lease holder', () => {
  let f: DaemonFixture;
  beforeAll(async () => {
    f = await createDaemonFixture('online_resume');
  });
  afterAll(() => f.close());

  const q = (sql: string, values: unknown[] = []) => f.pool.query(sql.replace(/%s/g, `"${f.db.namespace}"`), values);
  const viewSum = async (view: string) => Number((await q(`SELECT coalesce(sum((data->>'n')::int), 0) AS s FROM %s.${view}`)).rows[0].s);
  const rebuildCheckpoint = async (name: string) => {
    const { rows } = await q(`SELECT cursor_pos, run_id FROM %s.projection_checkpoints WHERE projection = $1 AND slot = 'rebuild'`, [name]);
    return rows[0] ? { position: Number(rows[0].cursor_pos), runId: rows[0].run_id as string | null } : undefined;
  };
  // Small rebuild pages and commits: a build of many commits, time to take the projection over mid-way.
  const node = (name: string, nodeId: string) => f.daemon([counter(name)], { rebuildPageSize: 100, rebuildCommitEvery: 100 }, nodeId);

  it('goes on from the checkpoint on the node that took the lease over, and the first node writes nothing more', async () => {
    const name = 'Resumed';
    const first = node(name, 'node-1');
    await first.start(new Map([[name, await first.storage.fence.claim(name, 'node-1')]]));
    for (let i = 0; i < STREAMS; i++) await f.store.append(`${name}-${i}`, Array.from({ length: EVENTS_PER_STREAM }, () => ({ type: `count-${name}`, data: {} })));
    await first.waitForNonStale({ timeoutMs: 20_000 });

    const interrupted = first.rebuild(name, { mode: 'online', runId: 'run-1' });
    const reached = await waitFor('a few checkpoints of the new table', async () => {
      const checkpoint = await rebuildCheckpoint(name);
      return checkpoint && checkpoint.position >= 2_000 ? checkpoint : undefined;
    }, { timeoutMs: 20_000, intervalMs: 10 });
    expect(reached.runId).toBe('run-1');

    // The second node claims the lease (a new epoch) while the first still builds: its slot stays for the resume.
    const second = node(name, 'node-2');
    await second.start(new Map([[name, await second.storage.fence.claim(name, 'node-2')]]));
    const takenAt = (await rebuildCheckpoint(name))?.position ?? 0;
    expect(takenAt).toBeGreaterThanOrEqual(reached.position);
    expect(await interrupted).toMatchObject({ status: 'failed', error: expect.stringContaining('lease') });
    const left = await rebuildCheckpoint(name);
    expect(left).toEqual({ position: takenAt, runId: 'run-1' });

    const processed: number[] = [];
    const sampling = setInterval(() => {
      const rebuild = second.progress()[0].rebuild;
      if (rebuild) processed.push(rebuild.processed);
    }, 5);
    const resumed = await second.rebuild(name, { mode: 'online', runId: 'run-1' });
    clearInterval(sampling);

    expect(resumed).toMatchObject({ status: 'completed', processed: STREAMS * EVENTS_PER_STREAM });
    // Counted from the checkpoint on: every event up to it was processed before (the sampled counts include the first report).
    expect(processed.length).toBeGreaterThan(0);
    expect(Math.min(...processed)).toBeGreaterThanOrEqual(takenAt);
    // Each event adds one: a resumed build that applied some twice, or the first node still writing, would show here.
    await second.waitForNonStale({ timeoutMs: 20_000 });
    expect(await viewSum('resumed')).toBe(STREAMS * EVENTS_PER_STREAM);
    expect(await rebuildCheckpoint(name)).toBeUndefined();
    const lease = (await q(`SELECT holder, builder FROM %s.projection_leases WHERE projection = $1`, [name])).rows[0];
    expect(lease).toEqual({ holder: 'node-2', builder: null });
    expect(f.logs.some((l) => l.includes('online rebuild resumed') && l.includes('"runId":"run-1"'))).toBe(true);

    // Asked again for the same run (its report of the switch was lost), the node finds it switched and builds nothing.
    const again = await second.rebuild(name, { mode: 'online', runId: 'run-1' });
    expect(again).toMatchObject({ status: 'completed', processed: STREAMS * EVENTS_PER_STREAM });
    expect((await q(`SELECT to_regclass($1) AS t`, [`"${f.db.namespace}".resumed_v1__rebuild`])).rows[0].t).toBeNull();
    expect(await viewSum('resumed')).toBe(STREAMS * EVENTS_PER_STREAM);
    await second.stop();
  });

  it("starts afresh for another run, and a blocking rebuild's leftovers are still removed when an agent starts", async () => {
    const name = 'Afresh';
    const first = node(name, 'node-1');
    await first.start(new Map([[name, await first.storage.fence.claim(name, 'node-1')]]));
    for (let i = 0; i < STREAMS; i++) await f.store.append(`${name}-${i}`, Array.from({ length: 50 }, () => ({ type: `count-${name}`, data: {} })));
    await first.waitForNonStale({ timeoutMs: 20_000 });
    const interrupted = first.rebuild(name, { mode: 'online', runId: 'run-a' });
    await waitFor('a checkpoint of the new table', async () => ((await rebuildCheckpoint(name))?.position ?? 0) > 0, { timeoutMs: 20_000, intervalMs: 10 });
    const second = node(name, 'node-2');
    await second.start(new Map([[name, await second.storage.fence.claim(name, 'node-2')]]));
    await interrupted;

    const processed: number[] = [];
    const sampling = setInterval(() => processed.push(second.progress()[0].rebuild?.processed ?? -1), 5);
    expect(await second.rebuild(name, { mode: 'online', runId: 'run-b' })).toMatchObject({ status: 'completed', processed: STREAMS * 50 });
    clearInterval(sampling);
    expect(processed.filter((p) => p >= 0)[0]).toBe(0);
    expect(await viewSum('afresh')).toBe(STREAMS * 50);

    // A blocking rebuild's slot names no run: an agent bound after its node died removes it.
    await q(`INSERT INTO %s.projection_checkpoints (projection, version, slot) VALUES ($1, 1, 'rebuild')`, [name]);
    await second.stop();
    const third = node(name, 'node-3');
    await third.start(new Map([[name, await third.storage.fence.claim(name, 'node-3')]]));
    await waitFor('the leftover checkpoint removed', async () => (await rebuildCheckpoint(name)) === undefined, { timeoutMs: 10_000 });
    await third.stop();
  });
});
