import { compareCursors, FEED_START, FeedCursor, quoteIdentifier } from '@projectionist/event-store';
import { waitFor } from '@projectionist/testing';
import { adminApi, clusterOnOwnVhost, runEnded } from './support/admin-api';
import { expectProjectionsMatchReference } from './support/projection-equality';

const TOKEN = 'e2e-token';
const SEEDED = 40_000;
const STREAMS = 2_000;
const PARTITIONS = 3;

interface Partition {
  index: number;
  worker: string | null;
  progress: { processed: number; total: number } | null;
  done: boolean;
  losses: number;
}
interface Run {
  phase: string;
  worker: string | null;
  progress: { processed: number } | null;
  failure: { reason: string } | null;
  partitions?: Partition[];
  history: { phase: string; at: number }[];
}

/**
 * A partitioned online rebuild of ActiveProject (lines of code add up every commit, so an event
 * applied twice or skipped shows) with real processes: a gateway, a coordinator and three
 * workers, writes going on through the gateway. The coordinator hands the 3 partitions to the
 * workers; one partition's worker is SIGKILLed once mid-build (and started again), and another
 * worker resumes that partition from its checkpoint. The result must equal the reference fold.
 */
describe('partitioned online rebuild across workers', () => {
  const bed = clusterOnOwnVhost('partitioned', { ADMIN_TOKEN: TOKEN });
  const { api, post } = adminApi(TOKEN);
  // Small rebuild pages (and commits, 50 pages): a build of many checkpoints. Capped at 2,000
  // events a second per builder: a partition (about 13,000 events) then spends seconds between its
  // first checkpoint and 70%, time to kill its worker mid-way, however fast the machine (uncapped,
  // a fast one finished every partition before the test saw one part-way).
  const workerEnv = { DAEMON_REBUILD_PAGE_SIZE: '100', REBUILD_ONLINE_MAX_EVENTS_PER_SECOND: '2000' };

  it(`builds ${PARTITIONS} partitions on the workers, resumes the one whose worker was killed, and equals the reference fold`, async () => {
    const { cluster } = bed;
    const schema = quoteIdentifier(cluster.db.namespace);
    const gateway = await cluster.addApp('gateway', 'pt-gw');
    await cluster.addApp('coordinator', 'pt-co', { REBUILD_LEASE_TIMEOUT_MS: '3000' });
    const workers = [];
    for (const id of ['pt-1', 'pt-2', 'pt-3']) workers.push(await cluster.addApp('projector-worker', id, workerEnv));
    cluster.workers.push(...workers);
    await waitFor('an active worker', () => cluster.activeWorker(), { timeoutMs: 20_000 });
    expect((await post(gateway, '/api/projects', { id: 'p1', name: 'P1', organization: 'Org' })).status).toBe(201);
    await cluster.seedCommits({ total: SEEDED, streams: STREAMS, users: 50, additions: 3, deletions: 1 });
    await cluster.waitCaughtUp(120_000);

    const refused: string[] = [];
    let writes = 0;
    let going = true;
    const writer = (async () => {
      while (going) {
        const response = await post(gateway, '/api/projects/p1/commits', { userName: 'ann', additions: 3, deletions: 1 }).catch((e: Error) => ({ status: e.message }));
        if (response.status === 200 || response.status === 201) writes++;
        else refused.push(String(response.status));
      }
    })();
    // Each partition's checkpoint only moves forward.
    // Cursors compare by (transaction, position): a partition past its last event moves to (horizon, 0).
    const partitionSql = `SELECT slot, cursor_tx, cursor_pos FROM ${schema}.projection_checkpoints WHERE projection = 'ActiveProject' AND slot LIKE 'partition:%'`;
    const movedBack: string[] = [];
    const last = new Map<string, FeedCursor>();
    const watcher = (async () => {
      while (going) {
        const { rows } = await cluster.pool.query(partitionSql).catch(() => ({ rows: [] as { slot: string; cursor_tx: string; cursor_pos: string }[] }));
        for (const row of rows) {
          const at = { transactionId: Number(row.cursor_tx), position: Number(row.cursor_pos) };
          const before = last.get(row.slot) ?? FEED_START;
          if (compareCursors(at, before) < 0) movedBack.push(`${row.slot} ${JSON.stringify(before)} → ${JSON.stringify(at)}`);
          last.set(row.slot, at);
        }
      }
    })();
    const restarts: Promise<void>[] = [];
    try {
      const response = await post(gateway, '/api/admin/projections/ActiveProject/rebuilds', { mode: 'online', partitions: PARTITIONS });
      expect(response.status).toBe(202);
      const id = ((await response.json()) as { rebuildId: string }).rebuildId;
      const run = async () => (await (await api(gateway, `/api/admin/rebuilds/${id}`)).json()) as Run;

      // A partition part-way, on a worker other than the owner (if the owner builds one too, the others are the helpers).
      const victim = await waitFor('a partition part-way on a helper worker', async () => {
        const r = await run();
        if (r.phase !== 'Building') throw new Error(`the run left Building before a kill: ${r.phase} ${r.failure?.reason ?? ''}`);
        const target = r.partitions?.find((p) => p.worker !== null && p.worker !== r.worker && !p.done && p.progress && p.progress.processed > 0 && p.progress.processed < p.progress.total * 0.7);
        const worker = target && workers.find((w) => w.nodeId === target.worker && w.running);
        // Mid-way in the database too: its checkpoint at an event (a finished partition's stands past the last one, at position 0).
        const at = target && last.get(`partition:${target.index}/${PARTITIONS}`);
        return target && worker && at && at.position > 0 ? { partition: target, worker } : undefined;
      }, { timeoutMs: 60_000, intervalMs: 25 });
      const slot = `partition:${victim.partition.index}/${PARTITIONS}`;
      await victim.worker.kill();
      console.log(`killed ${victim.worker.nodeId} building ${slot} at checkpoint ${JSON.stringify(last.get(slot))} (${victim.partition.progress?.processed} events)`);
      restarts.push(victim.worker.start());

      const ended = await runEnded(run, 180_000);
      await Promise.all(restarts);
      const writesAtEnd = writes;
      await waitFor('writes after the switch', () => writes >= writesAtEnd + 10, { timeoutMs: 20_000 });
      going = false;
      await Promise.all([writer, watcher]);

      const t0 = ended.history[0].at;
      console.log(`partitioned rebuild: ${ended.history.map((h) => `${h.phase} +${h.at - t0} ms`).join(', ')}; partitions ${JSON.stringify(ended.partitions)}; ${writes} writes`);
      expect(ended).toMatchObject({ phase: 'Completed', failure: null });
      expect(ended.partitions?.map((p) => p.done)).toEqual([true, true, true]);
      const resumed = ended.partitions?.[victim.partition.index];
      expect(resumed?.losses).toBeGreaterThanOrEqual(1);
      expect(resumed?.worker).not.toBe(null);
      // Built on several workers.
      expect(new Set(ended.partitions?.map((p) => p.worker)).size).toBeGreaterThan(1);
      // The taker went on from the checkpoint, not from the start of the feed.
      // In the order they started (the lines of several workers, by their time), so the last is the taker after the kill.
      const takers = workers
        .flatMap((w) => w.lines.filter((l) => l.includes('rebuild partition started') && l.includes(`"partition":"${slot}"`)))
        .map((l) => JSON.parse(l) as { time: string; processed: number })
        .sort((a, b) => a.time.localeCompare(b.time));
      expect(takers.length).toBeGreaterThanOrEqual(2);
      expect(takers[takers.length - 1].processed).toBeGreaterThan(0);
      expect(movedBack).toEqual([]);
      expect(refused).toEqual([]);
    } finally {
      console.log(workers.flatMap((w) => w.lines.filter((l) => l.includes('partition')).map((l) => `${w.nodeId} ${l.slice(0, 300)}`)).join('\n'));
      going = false;
      await Promise.all([writer, watcher]);
      await Promise.allSettled(restarts);
    }

    await cluster.waitCaughtUp(60_000);
    expect((await cluster.checkpointStates()).filter((s) => s.state === 'error')).toEqual([]);
    await expectProjectionsMatchReference(cluster);
  });
});
