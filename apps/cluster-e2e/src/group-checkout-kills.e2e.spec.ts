import { quoteIdentifier } from '@projectionist/event-store';
import { waitFor } from '@projectionist/testing';
import { AppProcess } from './support/app-process';
import { TestCluster } from './support/test-cluster';

const KILLS = 10;
const STAYS = 100;

interface Group {
  status: 'merging' | 'ready' | 'confirmed';
  mergedStays: { stayId: string; residual: number }[];
  failedStayIds: string[];
  balance: number;
}

/**
 * The reactor's writes are idempotent (ids derived from the event that caused them) and it decides
 * from the streams' state, so a worker killed between a stay's merge and the group's record of it,
 * or between the group's record and the checkpoint, never merges a stay twice or loses one: the
 * next holder of the reactors' lock finds the merges done and records them once.
 */
describe('group checkout reactor under SIGKILL', () => {
  let cluster: TestCluster;
  let gateway: AppProcess;
  beforeAll(async () => {
    cluster = await TestCluster.create('reactor_kills');
    gateway = await cluster.addApp('gateway', 'gw-1');
  });
  afterAll(() => cluster.close());

  const events = (sql: string, values: unknown[]) => cluster.pool.query(`SELECT * FROM ${quoteIdentifier(cluster.db.namespace)}.events WHERE ${sql}`, values);
  const group = (id: string) => gateway.json<Group>(`/api/group-checkouts/${id}`).catch(() => undefined);
  const reactorWorker = async () => {
    for (const worker of cluster.workers.filter((w) => w.running)) {
      const status = await worker.json<{ role: string }>('/reactors').catch(() => undefined);
      if (status?.role === 'active') return worker;
    }
    return undefined;
  };

  it(`merges every stay exactly once while the reactors' worker is killed ${KILLS} times in the middle of ${STAYS}-stay merges`, async () => {
    await Promise.all(['wk-1', 'wk-2', 'wk-3', 'wk-4'].map((id) => cluster.addWorker(id)));
    const balances = new Map<string, number>();
    const stayIds = (kill: number) => Array.from({ length: STAYS }, (_, i) => `k${kill}-${i}`);
    const all = Array.from({ length: KILLS }, (_, kill) => stayIds(kill)).flat();
    for (let i = 0; i < all.length; i += 25) {
      await Promise.all(
        all.slice(i, i + 25).map((stayId, j) => {
          const charge = 10 + ((i + j) % 90);
          const payment = (i + j) % 10 === 0 ? charge + 5 : 0; // some overpaid: a negative residual
          balances.set(stayId, charge - payment);
          const stay = [{ type: 'CheckedIn', data: {} }, { type: 'ChargeRecorded', data: { chargeId: 'c', amount: charge } }];
          if (payment) stay.push({ type: 'PaymentRecorded', data: { paymentId: 'p', amount: payment } } as never);
          return cluster.store.append(`guest_stay-${stayId}`, stay);
        }),
      );
    }
    const startedAt = Date.now();
    const midMerge: number[] = [];
    // A killed worker restarts in the background (a start takes seconds on a loaded machine); with
    // four, at least one other is up when the next kill comes.
    const restarting: Promise<void>[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      if (restarting.length >= 3) await restarting.shift();
      const victim = await waitFor('the reactors active on a worker', reactorWorker, { timeoutMs: 30_000, intervalMs: 20 });
      await cluster.store.append(`group_checkout-kill-${kill}`, [{ type: 'StaysSelected', data: { stayIds: stayIds(kill) } }]);
      // Killed as soon as the first stay is merged: the reactor is in the middle of the group's call.
      const merged = () => events(`type = 'MergedToGroup' AND data->>'groupId' = $1`, [`kill-${kill}`]).then((r) => r.rows.length);
      await waitFor('the merge under way', async () => (await merged()) > 0, { timeoutMs: 30_000, intervalMs: 2 });
      await victim.kill();
      midMerge.push(await merged());
      // Back as a standby while another worker takes over and finishes the merge.
      restarting.push(victim.start());
    }
    await Promise.all(restarting);
    for (let kill = 0; kill < KILLS; kill++) {
      await waitFor(`group kill-${kill} ready`, async () => (await group(`kill-${kill}`))?.status === 'ready', { timeoutMs: 30_000, intervalMs: 50 });
    }
    console.log(`${KILLS} kills in ${Date.now() - startedAt} ms; stays merged when each kill landed (of ${STAYS}): ${midMerge.join(', ')}`);
    // Most kills land in the middle of a merge (a loaded machine may finish one before the kill).
    expect(midMerge.filter((n) => n < STAYS).length).toBeGreaterThanOrEqual(KILLS / 2);

    const { rows: mergedEvents } = await events(`type = 'MergedToGroup'`, []);
    expect(mergedEvents).toHaveLength(KILLS * STAYS);
    expect(new Set(mergedEvents.map((r) => r.stream_id)).size).toBe(KILLS * STAYS);
    for (let kill = 0; kill < KILLS; kill++) {
      const view = (await group(`kill-${kill}`)) as Group;
      expect(view.failedStayIds).toEqual([]);
      expect(new Set(view.mergedStays.map((s) => s.stayId))).toEqual(new Set(stayIds(kill)));
      expect(view.mergedStays).toHaveLength(STAYS);
      for (const { stayId, residual } of view.mergedStays) expect(residual).toBe(balances.get(stayId));
      expect(view.balance).toBe(stayIds(kill).reduce((sum, id) => sum + (balances.get(id) as number), 0));
      const { rows } = await events(`stream_id = $1 AND type = 'StaysMerged'`, [`group_checkout-kill-${kill}`]);
      expect(rows.flatMap((r) => r.data.stays.map((s: { stayId: string }) => s.stayId)).sort()).toEqual([...stayIds(kill)].sort());
    }
  });
});
