import { compareCursors, FEED_START, FeedCursor, quoteIdentifier } from '@projectionist/event-store';
import { waitFor } from '@projectionist/testing';
import { adminApi, clusterOnOwnVhost, runEnded } from './support/admin-api';
import { expectProjectionsMatchReference } from './support/projection-equality';

const TOKEN = 'e2e-token';
const KILLS = 10;
/** Kills aimed at each phase, in order; a phase the run leaves before its quota passes its kills on to the next. */
const QUOTA = { Building: 3, CatchingUp: 3, Switching: 4 } as const;
type Phase = keyof typeof QUOTA;
const PHASE_OF: Record<string, Phase> = { building: 'Building', 'catching-up': 'CatchingUp', switching: 'Switching' };
/** Commits seeded before the rebuild, and again after some resumes so that the resumed worker has events left to catch up on. */
const SEEDED = 40_000;
const BACKLOG = 15_000;
const STREAMS = 2_000;

interface Run {
  phase: string;
  worker: string | null;
  progress: { processed: number } | null;
  failure: { reason: string } | null;
  resumes?: { phase: string; lostWorker: string; resumedBy: string | null; processedAtLoss: number | null }[];
  history: { phase: string; at: number }[];
}
interface DaemonStatus {
  role: string;
  projections: { name: string; rebuild: { phase: string; processed: number } | null }[];
}

/**
 * An online rebuild of ActiveProject (its lines of code add up every commit, so an event applied
 * twice shows) with real processes: a gateway, a coordinator and two HotCold workers. The worker
 * running the rebuild is SIGKILLed 10 times, in Building, CatchingUp and Switching, and started
 * again each time; the other one takes the lease and the run over. The switch lasts milliseconds,
 * so the workers run with TEST_REBUILD_SWITCH_DELAY_MS (a pause inside the switch, test only) and
 * the kill lands when the worker itself says it is switching.
 */
describe('online rebuild resumed across worker kills', () => {
  const bed = clusterOnOwnVhost('resume', { ADMIN_TOKEN: TOKEN });
  const { api, post } = adminApi(TOKEN);
  const workerEnv = { DAEMON_REBUILD_PAGE_SIZE: '100', TEST_REBUILD_SWITCH_DELAY_MS: '2000' };

  it(`resumes from its checkpoint after ${KILLS} kills of its worker, readers never seeing a half-switched view`, async () => {
    const { cluster } = bed;
    const schema = quoteIdentifier(cluster.db.namespace);
    const gateway = await cluster.addApp('gateway', 'rs-gw');
    await cluster.addApp('coordinator', 'rs-co', { REBUILD_LEASE_TIMEOUT_MS: '3000' });
    const workers = [await cluster.addApp('projector-worker', 'rs-1', workerEnv), await cluster.addApp('projector-worker', 'rs-2', workerEnv)];
    cluster.workers.push(...workers);
    await waitFor('an active worker', () => cluster.activeWorker(), { timeoutMs: 20_000 });
    expect((await post(gateway, '/api/projects', { id: 'p1', name: 'P1', organization: 'Org' })).status).toBe(201);
    await cluster.seedCommits({ total: SEEDED, streams: STREAMS, users: 50, additions: 3, deletions: 1 });
    await cluster.waitCaughtUp(120_000);
    const started = Date.now();

    // Writes and reads through the gateway; the stable view read directly, its total never going down.
    const refused: string[] = [];
    const failedReads: string[] = [];
    const viewErrors: string[] = [];
    const decreases: string[] = [];
    let [writes, reads, lastLines, lastTotal] = [0, 0, 0, -1];
    let going = true;
    const writer = (async () => {
      while (going) {
        const response = await post(gateway, '/api/projects/p1/commits', { userName: 'ann', additions: 3, deletions: 1 }).catch((e: Error) => ({ status: e.message }));
        if (response.status === 200 || response.status === 201) writes++;
        else refused.push(String(response.status));
      }
    })();
    const reader = (async () => {
      while (going) {
        const response = await api(gateway, '/api/projects/p1').catch((e: Error) => ({ status: e.message, json: async () => ({}) }));
        if (response.status !== 200) {
          failedReads.push(String(response.status));
          continue;
        }
        const lines = ((await response.json()) as { linesOfCode: number }).linesOfCode;
        if (lines < lastLines) decreases.push(`p1 ${lastLines} → ${lines}`);
        [lastLines, reads] = [lines, reads + 1];
      }
    })();
    const viewReader = (async () => {
      while (going) {
        try {
          const { rows } = await cluster.pool.query(`SELECT coalesce(sum((data->>'linesOfCode')::bigint), 0) AS total FROM ${schema}.active_project`);
          const total = Number(rows[0].total);
          if (total < lastTotal) decreases.push(`view ${lastTotal} → ${total}`);
          lastTotal = total;
        } catch (error) {
          viewErrors.push((error as Error).message);
        }
      }
    })();
    // The new table's checkpoint: it must only move forward, never back to the start of the feed.
    const checkpointSql = `SELECT cursor_tx, cursor_pos FROM ${schema}.projection_checkpoints WHERE projection = 'ActiveProject' AND slot = 'rebuild'`;
    const toCursor = (row?: { cursor_tx: string; cursor_pos: string }): FeedCursor => (row ? { transactionId: Number(row.cursor_tx), position: Number(row.cursor_pos) } : FEED_START);
    const checkpoints: FeedCursor[] = [];
    // One read at a time, so that the samples are in the order of the reads.
    const watcher = (async () => {
      while (going) {
        const { rows } = await cluster.pool.query(checkpointSql).catch(() => ({ rows: [] }));
        if (rows[0]) checkpoints.push(toCursor(rows[0]));
      }
    })();

    // What the run shows processed, as an operator sees it: once past the first checkpoint, never back to 0.
    const shown: number[] = [];
    const kills: { phase: Phase; checkpoint: FeedCursor; worker: string }[] = [];
    const restarts: Promise<void>[] = [];
    try {
      const response = await post(gateway, '/api/admin/projections/ActiveProject/rebuilds', { mode: 'online' });
      expect(response.status).toBe(202);
      const id = ((await response.json()) as { rebuildId: string }).rebuildId;
      const run = async () => {
        const r = (await (await api(gateway, `/api/admin/rebuilds/${id}`)).json()) as Run;
        if (r.progress) shown.push(r.progress.processed);
        return r;
      };
      const checkpoint = async () => toCursor((await cluster.pool.query(checkpointSql)).rows[0]);
      const killed = (phase: Phase) => kills.filter((k) => k.phase === phase).length;
      const seedBacklog = () => cluster.seedCommits({ total: BACKLOG, streams: STREAMS, prefix: `backlog-${kills.length}-`, users: 50, additions: 3, deletions: 1 });

      while (kills.length < KILLS) {
        const target = await waitFor('a moment to kill the worker running the rebuild', async () => {
          const r = await run();
          if (!['Building', 'CatchingUp', 'Switching'].includes(r.phase)) throw new Error(`the run ended ${r.phase} after ${kills.length} kills: ${r.failure?.reason}`);
          const worker = workers.find((w) => w.nodeId === r.worker && w.running);
          if (!worker) return undefined;
          // The phase the worker itself is in: the run's, as the coordinator shows it, follows within a heartbeat.
          const own = (await worker.json<DaemonStatus>('/daemon').catch(() => undefined))?.projections.find((p) => p.name === 'ActiveProject')?.rebuild;
          const phase = PHASE_OF[own?.phase ?? ''];
          if (!phase) return undefined;
          // Past its quota, a phase waits for the next; the last phase takes whatever kills are left.
          if (phase !== 'Switching' && killed(phase) >= QUOTA[phase]) return undefined;
          // Building: only once the new table has a checkpoint, and a newer one than at the last kill.
          const at = await checkpoint();
          if (phase === 'Building' && compareCursors(at, kills[kills.length - 1]?.checkpoint ?? FEED_START) <= 0) return undefined;
          return { worker, phase };
        }, { timeoutMs: 60_000, intervalMs: 25 });
        await target.worker.kill();
        kills.push({ phase: target.phase, checkpoint: await checkpoint(), worker: target.worker.nodeId });
        restarts.push(target.worker.start());
        // Once the next worker has resumed the run (and read the head), more events for it to catch up on.
        if (target.phase === 'CatchingUp' || (target.phase === 'Building' && killed('Building') === QUOTA.Building)) {
          await waitFor('the run resumed', async () => {
            const r = await run();
            const worker = workers.find((w) => w.nodeId === r.worker && w.running && w !== target.worker);
            const own = worker && (await worker.json<DaemonStatus>('/daemon').catch(() => undefined))?.projections.find((p) => p.name === 'ActiveProject')?.rebuild;
            return own?.phase === 'building' || own?.phase === 'catching-up' ? true : undefined;
          }, { timeoutMs: 30_000, intervalMs: 50 });
          await seedBacklog();
        }
        console.log(`kill ${kills.length}: ${target.worker.nodeId} in ${target.phase}, the new table's checkpoint at ${JSON.stringify(kills[kills.length - 1].checkpoint)}`);
      }
      const ended = await runEnded(run, 120_000);
      await Promise.all(restarts);
      // Some writes after the switch, taken by the new table.
      const writesAtEnd = writes;
      await waitFor('writes after the switch', () => writes >= writesAtEnd + 10, { timeoutMs: 20_000 });
      going = false;
      await Promise.all([writer, reader, viewReader, watcher]);

      const t0 = ended.history[0].at;
      console.log(
        `online rebuild with ${kills.length} kills (${JSON.stringify(kills.map((k) => k.phase))}) in ${Date.now() - started} ms: ` +
          `${ended.history.map((h) => `${h.phase} +${h.at - t0} ms`).join(', ')}; resumes ${JSON.stringify(ended.resumes?.map((r) => [r.phase, r.lostWorker, r.resumedBy, r.processedAtLoss]))}; ` +
          `${writes} writes, ${reads} reads, ${checkpoints.length} checkpoint samples`,
      );
      expect(ended).toMatchObject({ phase: 'Completed', failure: null });
      // One resume a kill (a worker slower than the lease on a loaded machine may add one, which its next report heals).
      expect(ended.resumes?.length).toBeGreaterThanOrEqual(KILLS);
      expect(ended.resumes?.filter((r) => r.resumedBy === null)).toEqual([]);
      for (const phase of Object.keys(QUOTA) as Phase[]) expect(killed(phase)).toBeGreaterThanOrEqual(1);
      // Resumed, never restarted: the checkpoint moved only forward, never back to the start.
      const first = checkpoints.findIndex((c) => compareCursors(c, FEED_START) > 0);
      expect(first).toBeGreaterThanOrEqual(0);
      const after = checkpoints.slice(first);
      expect(after.filter((c, i) => i > 0 && compareCursors(c, after[i - 1]) < 0)).toEqual([]);
      const firstShown = shown.findIndex((p) => p >= 5_000);
      expect(firstShown).toBeGreaterThanOrEqual(0);
      expect(shown.slice(firstShown).filter((p) => p === 0)).toEqual([]);
      // Every resumed worker said how much it went on from, and none from nothing.
      const resumedWith = workers.flatMap((w) => w.lines.filter((l) => l.includes('online rebuild resumed'))).map((l) => Number(/"processed":(\d+)/.exec(l)?.[1]));
      expect(resumedWith.length).toBeGreaterThanOrEqual(KILLS - 1);
      expect(resumedWith.filter((processed) => !(processed > 0))).toEqual([]);
      expect(refused).toEqual([]);
      expect(failedReads).toEqual([]);
      expect(viewErrors).toEqual([]);
      expect(decreases).toEqual([]);
    } finally {
      console.log(workers.flatMap((w) => w.lines.filter((l) => l.includes('online rebuild resumed')).map((l) => `${w.nodeId} ${l.slice(0, 300)}`)).join('\n'));
      going = false;
      await Promise.all([writer, reader, viewReader, watcher]);
      await Promise.allSettled(restarts);
    }

    await cluster.waitCaughtUp(60_000);
    expect((await cluster.checkpointStates()).filter((s) => s.state === 'error')).toEqual([]);
    // Equal to the fold of every event: none skipped, none applied twice (lines of code would be off).
    await expectProjectionsMatchReference(cluster);
  });
});
