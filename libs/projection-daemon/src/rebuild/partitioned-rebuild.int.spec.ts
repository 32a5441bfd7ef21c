import { FEED_START, hasReached, RecordedEvent, readWholeFeed } from '@projectionist/event-store';
import { foldDocuments, singleStreamProjection } from '@projectionist/projections';
import { waitFor } from '@projectionist/testing';
import { ProjectionDaemon } from '../daemon/projection-daemon';
import { createDaemonFixture, DaemonFixture } from '../testing/daemon-fixture';

interface Chain {
  n: number;
  last: number;
  /** False once an event arrived out of its stream's order, twice, or with one missing. */
  inOrder: boolean;
}

/** Order-sensitive per stream: a partition that applied a stream's events twice, out of order or in part shows here. */
const chain = (name: string) =>
  singleStreamProjection<Chain>({
    name,
    version: 1,
    eventTypes: [`link-${name}`],
    evolve: (doc, event) => ({ n: (doc?.n ?? 0) + 1, last: event.streamVersion, inOrder: (doc?.inOrder ?? true) && event.streamVersion === (doc?.last ?? 0) + 1 }),
  });

const STREAMS = 60;
const EVENTS_PER_STREAM = 60;

/**
 * A partitioned online rebuild: the build up to the head is split by stream over workers, each
 * partition its own checkpoint and fence, and the owner goes on from the target once all are
 * built. Proved against the reference fold of the whole feed.
 */
describe('partitioned online rebuild', () => {
  let f: DaemonFixture;
  beforeAll(async () => {
    f = await createDaemonFixture('partitioned');
  });
  afterAll(() => f.close());

  const q = (sql: string, values: unknown[] = []) => f.pool.query(sql.replace(/%s/g, `"${f.db.namespace}"`), values);
  const partitions = async (name: string) => {
    const { rows } = await q(`SELECT slot, cursor_tx, cursor_pos, state FROM %s.projection_checkpoints WHERE projection = $1 AND slot LIKE 'partition:%' ORDER BY slot`, [name]);
    return rows.map((r) => ({ slot: r.slot as string, cursor: { transactionId: Number(r.cursor_tx), position: Number(r.cursor_pos) }, state: r.state as string }));
  };
  const view = async (table: string) => {
    const { rows } = await q(`SELECT id, data FROM %s.${table}`);
    return new Map(rows.map((r) => [r.id as string, r.data as Chain]));
  };
  const reference = async (name: string) => {
    const events: RecordedEvent[] = await readWholeFeed(f.store);
    return foldDocuments(chain(name), events);
  };
  const seed = async (name: string) => {
    for (let i = 0; i < STREAMS; i++) await f.store.append(`${name}-${i}`, Array.from({ length: EVENTS_PER_STREAM }, () => ({ type: `link-${name}`, data: {} })));
  };
  // Small pages and commits: many checkpoints per partition.
  const node = (name: string, nodeId: string) => f.daemon([chain(name)], { rebuildPageSize: 100, rebuildCommitEvery: 100, pollIntervalMs: 50 }, nodeId);
  const owner = async (name: string): Promise<ProjectionDaemon> => {
    const daemon = node(name, 'owner');
    await daemon.start(new Map([[name, await daemon.storage.fence.claim(name, 'owner')]]));
    return daemon;
  };

  it('builds 3 partitions on 3 workers under writes into the reference fold, each checkpoint only moving forward', async () => {
    const name = 'Chained';
    const first = await owner(name);
    await seed(name);
    await first.waitForNonStale({ timeoutMs: 30_000 });

    const rebuilt = first.rebuild(name, { mode: 'online', runId: 'run-p', partitions: 3 });
    const seen = new Map<string, { transactionId: number; position: number }[]>();
    let movedBack = '';
    // One read at a time, so that the samples are in the order the checkpoints were read.
    let sampling = true;
    const sampled = (async () => {
      while (sampling) {
        for (const row of await partitions(name)) {
          const cursors = seen.get(row.slot) ?? [];
          const last = cursors[cursors.length - 1];
          if (last && !hasReached(row.cursor, last)) movedBack = `${row.slot} moved from ${JSON.stringify(last)} to ${JSON.stringify(row.cursor)}`;
          seen.set(row.slot, [...cursors, row.cursor]);
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const workers = [node(name, 'w-0'), node(name, 'w-1'), first];
    const built = workers.map((w, partition) => w.rebuildPartition(name, { runId: 'run-p', partition, partitions: 3 }));
    // Writes go on meanwhile: what came after the target is the owner's to catch up with.
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < STREAMS; i += 7) await f.store.append(`${name}-${i}`, [{ type: `link-${name}`, data: {} }]);
    }
    const results = await Promise.all(built);
    expect(results.map((r) => r.status)).toEqual(['completed', 'completed', 'completed']);
    expect(results.reduce((sum, r) => sum + r.processed, 0)).toBeGreaterThanOrEqual(STREAMS * EVENTS_PER_STREAM);
    expect(await rebuilt).toMatchObject({ status: 'completed' });
    sampling = false;
    await sampled;

    expect(movedBack).toBe('');
    expect([...seen.keys()].sort()).toEqual(['partition:0/3', 'partition:1/3', 'partition:2/3']);
    for (const cursors of seen.values()) expect(cursors.some((c) => c.position > 0)).toBe(true);
    expect(await partitions(name)).toEqual([]);

    for (let i = 0; i < STREAMS; i += 5) await f.store.append(`${name}-${i}`, [{ type: `link-${name}`, data: {} }]);
    await first.waitForNonStale({ timeoutMs: 30_000 });
    const expected = await reference(name);
    const actual = await view('chained');
    expect(actual.size).toBe(STREAMS);
    expect(actual).toEqual(expected);
    expect([...actual.values()].every((d) => d.inOrder)).toBe(true);
  });

  it('resumes a partition from its checkpoint on the worker that takes it over, the first one fenced out', async () => {
    const name = 'Taken';
    const first = await owner(name);
    await seed(name);
    await first.waitForNonStale({ timeoutMs: 30_000 });
    const rebuilt = first.rebuild(name, { mode: 'online', runId: 'run-t', partitions: 2 });

    const slow = node(name, 'w-slow');
    const interrupted = slow.rebuildPartition(name, { runId: 'run-t', partition: 0, partitions: 2 });
    const reached = await waitFor('partition 0 part-way', async () => {
      const row = (await partitions(name)).find((r) => r.slot === 'partition:0/2');
      return row && row.cursor.position > 0 && row.state !== 'done' ? row.cursor : undefined;
    }, { timeoutMs: 30_000, intervalMs: 2 });

    const reports: number[] = [];
    const taker = node(name, 'w-taker');
    const resumed = taker.rebuildPartition(name, { runId: 'run-t', partition: 0, partitions: 2, onProgress: (p) => reports.push(p.processed) });
    const other = first.rebuildPartition(name, { runId: 'run-t', partition: 1, partitions: 2 });
    expect(await interrupted).toMatchObject({ status: 'failed', error: expect.stringMatching(/taken over/) });
    expect(await resumed).toMatchObject({ status: 'completed' });
    expect(await other).toMatchObject({ status: 'completed' });
    // It went on from the checkpoint the first worker committed, not from the start.
    expect(reports[0]).toBeGreaterThan(0);
    expect(await rebuilt).toMatchObject({ status: 'completed' });
    expect(reached.position).toBeGreaterThan(FEED_START.position);

    await first.waitForNonStale({ timeoutMs: 30_000 });
    expect(await view('taken')).toEqual(await reference(name));
  });

  it('refuses to split a projection that is not single-stream, or a blocking rebuild', async () => {
    const name = 'Refused';
    const multi = { ...chain(name), singleStream: false };
    const daemon = f.daemon([multi], {}, 'refuser');
    await daemon.start(new Map([[name, await daemon.storage.fence.claim(name, 'refuser')]]));
    await expect(daemon.rebuild(name, { mode: 'online', runId: 'r', partitions: 2 })).rejects.toThrow(/not a single-stream projection/);
    await expect(daemon.rebuildPartition(name, { runId: 'r', partition: 0, partitions: 2 })).rejects.toThrow(/not a single-stream projection/);
    const single = f.daemon([chain('Blocking')], {}, 'blocker');
    await single.start(new Map([['Blocking', await single.storage.fence.claim('Blocking', 'blocker')]]));
    await expect(single.rebuild('Blocking', { mode: 'blocking', runId: 'r', partitions: 2 })).rejects.toThrow(/Only online/);
  });
});
