import { sampleProjections } from '@projectionist/projections';
import { randomHistory } from '@projectionist/projections/testing';
import { createTestVhost, TestVhost, waitFor } from '@projectionist/testing';
import { AppProcess } from './support/app-process';
import { auditCheckpointWrites, CheckpointWrite, leases, spread } from './support/agent-leases';
import { expectProjectionsMatchReference } from './support/projection-equality';
import { TestCluster } from './support/test-cluster';

const LEASE_TTL_MS = 3_000;
const HELD = 100;

/**
 * A worker frozen with SIGSTOP past its lease time keeps its connections and its liveness lock:
 * only the lease's expiry lets another worker take its agents. Continued with SIGCONT, it must
 * write nothing under its old epochs (asserted on the committed checkpoint writes, recorded by a
 * trigger), stop those agents and rejoin, getting agents back by rebalancing.
 */
describe('a worker paused past its lease', () => {
  let cluster: TestCluster;
  let vhost: TestVhost;
  let w1: AppProcess;
  let writes: () => Promise<CheckpointWrite[]>;

  beforeAll(async () => {
    vhost = await createTestVhost('agents_pause');
    cluster = await TestCluster.create('agents_pause', {
      AMQP_URL: vhost.url,
      DAEMON_DISTRIBUTION: 'distributed',
      NODE_HEARTBEAT_MS: '500',
      NODE_DEAD_AFTER_MS: '2000',
      AGENT_PLAN_INTERVAL_MS: '500-1000',
      DAEMON_LEASE_TTL_MS: String(LEASE_TTL_MS),
    });
    writes = await auditCheckpointWrites(cluster);
    await cluster.addApp('coordinator', 'ap-coordinator');
    w1 = await cluster.addWorker('ap-w1');
    await cluster.addWorker('ap-w2');
  });
  afterAll(async () => {
    await cluster.close();
    await vhost.drop();
  });

  it('writes nothing with its old epochs after SIGCONT, and rejoins', async () => {
    const half = sampleProjections.filter((p) => p.mode === 'async').length / 2;
    const even = async () => JSON.stringify(spread(await leases(cluster))) === JSON.stringify({ 'ap-w1': half, 'ap-w2': half });
    await waitFor('the agents spread half and half', even, { timeoutMs: 30_000, intervalMs: 100 });

    const history = randomHistory({ seed: 23, events: 4_000, streams: 150 });
    // The last events are kept for while w1 is frozen: the writer may be done by then.
    const held = history.slice(-HELD);
    let writing = true;
    const appending = (async () => {
      for (const append of history.slice(0, -HELD)) {
        if (!writing) break;
        await cluster.store.append(append.streamId, [{ type: append.type, data: append.data }]);
      }
    })();
    await waitFor('w1 committing', async () => (await writes()).some((w) => w.writer === 'ap-w1'), { timeoutMs: 20_000, intervalMs: 100 });

    const old = new Map((await leases(cluster)).filter((l) => l.holder === 'ap-w1').map((l) => [l.projection, l.epoch]));
    const pausedAt = Date.now();
    w1.pause();
    await waitFor(
      "w1's agents taken over once their leases expired",
      async () => (await leases(cluster)).filter((l) => old.has(l.projection)).every((l) => l.holder === 'ap-w2' && l.bound),
      { timeoutMs: 30_000, intervalMs: 50 },
    );
    const takeoverMs = Date.now() - pausedAt;
    // Frozen a while longer, while w2 applies what keeps arriving.
    // The writer may have finished its history by now: these events are applied by w2 while w1 is frozen.
    const before = (await writes()).length;
    for (const append of held) await cluster.store.append(append.streamId, [{ type: append.type, data: append.data }]);
    await waitFor('w2 applying meanwhile', async () => (await writes()).some((w, i) => i >= before && w.writer === 'ap-w2'), { timeoutMs: 20_000, intervalMs: 100 });
    const resumedAt = Date.now();
    w1.resume();

    await waitFor('w1 rejoined with agents: half and half again', even, { timeoutMs: 30_000, intervalMs: 100 });
    const rejoinMs = Date.now() - resumedAt;
    writing = false;
    await appending;
    await cluster.waitCaughtUp();

    const all = await writes();
    // Every committed write came from the node holding the lease, at that lease's epoch.
    expect(all.filter((w) => w.writer !== w.holder)).toEqual([]);
    // Nothing from w1 under an old epoch once w2 had claimed a newer one.
    const takenOverAt = (projection: string) => all.find((w) => w.projection === projection && w.epoch > (old.get(projection) ?? 0))?.id ?? Infinity;
    const staleFromW1 = all.filter((w) => w.writer === 'ap-w1' && old.has(w.projection) && w.epoch <= old.get(w.projection)! && w.id > takenOverAt(w.projection));
    expect(staleFromW1).toEqual([]);
    // w1 noticed on waking: its renewals found the leases taken, or it stopped them for being late.
    expect(w1.lines.some((l) => /lease (was )?taken over|not renewed|lease lost|fenced out/.test(l))).toBe(true);
    console.log(JSON.stringify({ takeoverMs, rejoinMs, pausedMs: resumedAt - pausedAt, committedWrites: all.length }));

    expect((await cluster.checkpointStates()).filter((s) => s.state === 'error')).toEqual([]);
    await expectProjectionsMatchReference(cluster);
  });
});
