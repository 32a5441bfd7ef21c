import { quoteIdentifier } from '@projectionist/event-store';
import { waitFor } from '@projectionist/testing';
import { adminApi, clusterOnOwnVhost } from './support/admin-api';

const TOKEN = 'e2e-token';
const STAYS_PER_GROUP = 10;

interface Run {
  phase: string;
  failure: { reason: string } | null;
}

interface ReactorsStatus {
  role: string;
  reactors: { name: string; state: string; position: number; calls: number; eventsHandled: number }[];
}

/**
 * The replay rule with real processes: a projection rebuild, blocking or online, replays the
 * projection only. The reactor runs on its own checkpoint, so while the hotel views are rebuilt
 * and group checkouts keep merging, it is handed each group's selection exactly once, and merges
 * each stay once.
 */
describe('projection rebuilds while group checkouts merge', () => {
  const bed = clusterOnOwnVhost('rebuild_reactors', { ADMIN_TOKEN: TOKEN });
  const { api, post } = adminApi(TOKEN);
  const events = (sql: string) => bed.cluster.pool.query(`SELECT * FROM ${quoteIdentifier(bed.cluster.db.namespace)}.events WHERE ${sql}`);

  it('hands the reactor every selection once through a blocking and an online rebuild', async () => {
    const gateway = await bed.cluster.addApp('gateway', 'gw-1');
    await bed.cluster.addApp('coordinator', 'co-1');
    const worker = await bed.cluster.addWorker('wk-1');
    await waitFor('an active worker', () => bed.cluster.activeWorker(), { timeoutMs: 20_000 });
    await waitFor('the reactors active', async () => (await worker.json<ReactorsStatus>('/reactors')).role === 'active', { timeoutMs: 20_000 });

    let groups = 0;
    let merging = true;
    const selecting = (async () => {
      while (merging) {
        const group = groups++;
        const stayIds = Array.from({ length: STAYS_PER_GROUP }, (_, i) => `g${group}-s${i}`);
        for (const stayId of stayIds) {
          await bed.cluster.store.append(`guest_stay-${stayId}`, [{ type: 'CheckedIn', data: {} }, { type: 'ChargeRecorded', data: { chargeId: 'c', amount: 10 } }]);
        }
        await bed.cluster.store.append(`group_checkout-g${group}`, [{ type: 'StaysSelected', data: { stayIds } }]);
      }
    })();

    const rebuild = async (projection: string, mode: 'blocking' | 'online') => {
      const before = groups;
      const response = await post(gateway, `/api/admin/projections/${projection}/rebuilds`, { mode });
      expect(response.status).toBe(202);
      const id = ((await response.json()) as { rebuildId: string }).rebuildId;
      const ended = await waitFor(`the ${mode} rebuild of ${projection} ended`, async () => {
        const run = (await (await api(gateway, `/api/admin/rebuilds/${id}`)).json()) as Run;
        return ['Completed', 'Failed', 'Cancelled'].includes(run.phase) ? run : undefined;
      }, { timeoutMs: 60_000, intervalMs: 50 });
      expect(ended).toMatchObject({ phase: 'Completed', failure: null });
      return groups - before;
    };
    try {
      await waitFor('groups merging', () => groups >= 5, { timeoutMs: 10_000 });
      const duringBlocking = await rebuild('GroupCheckoutView', 'blocking');
      const duringOnline = await rebuild('StayView', 'online');
      console.log(`groups selected while rebuilding: ${duringBlocking} (blocking GroupCheckoutView), ${duringOnline} (online StayView)`);
      expect(duringBlocking + duringOnline).toBeGreaterThan(0);
    } finally {
      merging = false;
      await selecting;
    }

    await waitFor('every group merged', async () => (await events(`type = 'StaysMerged'`)).rows.length === groups, { timeoutMs: 60_000, intervalMs: 100 });
    const [last] = (await events(`type = 'StaysMerged' ORDER BY position DESC LIMIT 1`)).rows;
    // Its checkpoint passes its own last write (skipped, not handled) soon after it lands.
    const reactor = await waitFor('the reactor past its last write', async () => {
      const [r] = (await worker.json<ReactorsStatus>('/reactors')).reactors;
      return r.position >= Number(last.position) ? r : undefined;
    }, { timeoutMs: 10_000 });
    console.log(`${groups} groups; reactor: ${JSON.stringify(reactor)}`);
    // One call per group with its one selection: nothing replayed, and its own writes skipped.
    expect(reactor).toMatchObject({ name: 'GroupCheckout', state: 'running', calls: groups, eventsHandled: groups });
    expect(reactor.position).toBe(Number(last.position));
    const merged = (await events(`type = 'MergedToGroup'`)).rows;
    expect(merged).toHaveLength(groups * STAYS_PER_GROUP);
    expect(new Set(merged.map((r) => r.stream_id)).size).toBe(groups * STAYS_PER_GROUP);
    const view = await gateway.json<{ status: string; mergedStays: unknown[] }>(`/api/group-checkouts/g${groups - 1}`);
    expect(view).toMatchObject({ status: 'ready' });
    expect(view.mergedStays).toHaveLength(STAYS_PER_GROUP);
  });
});

