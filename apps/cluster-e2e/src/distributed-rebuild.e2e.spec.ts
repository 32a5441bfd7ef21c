import { waitFor } from '@projectionist/testing';
import { AppProcess } from './support/app-process';
import { expectProjectionsMatchReference } from './support/projection-equality';
import { adminApi, clusterOnOwnVhost } from './support/admin-api';

const TOKEN = 'e2e-token';

interface Run {
  phase: string;
  history: { phase: string; at: number }[];
  failure: { reason: string } | null;
}

/**
 * Distributed rebuilds with real processes on the real services: 2 gateways, 2 coordinators and
 * 2 workers. A rebuild requested through one gateway holds writes on both, completes and equals
 * the reference fold; a rebuilding worker killed fails its run through the lease and releases
 * the writes; the coordinator leader killed mid-rebuild hands the run to the other one.
 */
describe('distributed rebuild across processes', () => {
  const bed = clusterOnOwnVhost('distributed', { ADMIN_TOKEN: TOKEN });
  const { api, post } = adminApi(TOKEN);
  const run = async (gateway: AppProcess, id: string) => (await (await api(gateway, `/api/admin/rebuilds/${id}`)).json()) as Run;
  const requestRebuild = async (gateway: AppProcess, projection: string) => {
    const response = await post(gateway, `/api/admin/projections/${projection}/rebuilds`, { mode: 'blocking' });
    expect(response.status).toBe(202);
    return ((await response.json()) as { rebuildId: string }).rebuildId;
  };
  const ended = (gateway: AppProcess, id: string, timeoutMs = 60_000) =>
    waitFor(`run ${id} ended`, async () => {
      const r = await run(gateway, id);
      return ['Completed', 'Failed', 'Cancelled'].includes(r.phase) ? r : undefined;
    }, { timeoutMs });
  const rebuilding = (gateway: AppProcess, id: string) =>
    waitFor(`run ${id} rebuilding`, async () => (await run(gateway, id)).phase === 'Rebuilding', { timeoutMs: 20_000, intervalMs: 10 });
  const writeStatus = async (gateway: AppProcess) => (await post(gateway, '/api/customers', { name: 'Writer' })).status;
  const activeWorker = () => waitFor('an active worker', () => bed.cluster.activeWorker(), { timeoutMs: 20_000 });

  it('holds writes on both gateways during a rebuild, completes it, survives a killed worker and a killed leader', async () => {
    const [gatewayA, gatewayB] = [await bed.cluster.addApp('gateway', 'gw-a'), await bed.cluster.addApp('gateway', 'gw-b')];
    const coordinators = [await bed.cluster.addApp('coordinator', 'co-1'), await bed.cluster.addApp('coordinator', 'co-2')];
    await bed.cluster.addWorker('wk-1');
    await bed.cluster.addWorker('wk-2');
    await activeWorker();

    // Seed through gateway A: the domain API, then enough commits for a rebuild of some seconds.
    expect((await post(gatewayA, '/api/customers', { id: 'ann', name: 'Ann' })).status).toBe(201);
    expect((await post(gatewayA, '/api/cars', { id: 'c1', by: 'dealer', color: 'red' })).status).toBe(201);
    expect((await post(gatewayA, '/api/cars/c1/sell', { customerId: 'ann' })).status).toBe(200);
    expect((await post(gatewayA, '/api/customers/ann/rename', { name: 'Ann Smith' })).status).toBe(200);
    expect((await post(gatewayA, '/api/projects', { id: 'apollo', name: 'Apollo', organization: 'acme' })).status).toBe(201);
    await bed.cluster.seedCommits({ total: 300_000, streams: 1000, users: 7, additions: 1, deletions: 0 });
    // The live daemon folds the 300,000 commits first; under a loaded CI machine that takes a while.
    const seededAt = Date.now();
    await bed.cluster.waitCaughtUp(180_000);
    console.log(`live projections caught up with 300,000 seeded events in ${Date.now() - seededAt} ms`);

    // 1. Requested through gateway B; both gateways hold writes and keep serving reads.
    const first = await requestRebuild(gatewayB, 'ActiveProject');
    await rebuilding(gatewayA, first);
    for (const gateway of [gatewayA, gatewayB]) {
      const held = await post(gateway, '/api/customers', { name: 'During' });
      expect(held.status).toBe(503);
      expect(held.headers.get('retry-after')).toBe('5');
      expect(await held.json()).toMatchObject({ error: 'WRITES_HELD', projection: 'ActiveProject', rebuildId: first });
      expect((await api(gateway, '/api/projects/apollo')).status).toBe(200);
      expect((await api(gateway, '/api/cars/c1')).status).toBe(200);
    }
    const completed = await ended(gatewayA, first);
    expect(completed.phase).toBe('Completed');
    console.log(`rebuild history: ${completed.history.map((h) => `${h.phase} +${h.at - completed.history[0].at} ms`).join(', ')}`);
    expect(completed.history.map((h) => h.phase)).toEqual(['Requested', 'Stopping', 'Rebuilding', 'Restarting', 'Completed']);
    const times = completed.history.map((h) => h.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    for (const gateway of [gatewayA, gatewayB]) await waitFor('writes accepted again', async () => (await writeStatus(gateway)) === 201, { timeoutMs: 5_000 });
    await bed.cluster.waitCaughtUp();
    await expectProjectionsMatchReference(bed.cluster);

    // 2. The rebuilding worker is killed: the run fails through its lease, writes are accepted again.
    const liveBefore = await bed.cluster.view('active_project');
    const second = await requestRebuild(gatewayA, 'ActiveProject');
    const executing = await activeWorker();
    await rebuilding(gatewayB, second);
    expect(await writeStatus(gatewayB)).toBe(503);
    await executing.kill();
    const killedAt = Date.now();
    const failed = await ended(gatewayB, second, 20_000);
    expect(failed.phase).toBe('Failed');
    const failedAfterMs = Date.now() - killedAt;
    console.log(`rebuilding worker killed: run Failed after ${failedAfterMs} ms (lease 10 s)`);
    expect(failedAfterMs).toBeLessThan(13_000);
    expect(failed.failure?.reason).toContain('stopped renewing its lease');
    for (const gateway of [gatewayA, gatewayB]) await waitFor('writes accepted after the failure', async () => (await writeStatus(gateway)) === 201, { timeoutMs: 5_000 });
    // The rebuild wrote only beside the live table: readers never saw it half-built.
    const liveAfter = await bed.cluster.view('active_project');
    expect(Object.fromEntries(liveAfter)).toEqual(Object.fromEntries(liveBefore));

    // 3. The coordinator leader is killed during a rebuild on the other worker: the other coordinator completes it.
    await activeWorker();
    const third = await requestRebuild(gatewayB, 'ActiveProject');
    await rebuilding(gatewayA, third);
    const leader = await waitFor('the leader', async () => {
      for (const c of coordinators) if ((await c.json<{ leader: boolean }>('/coordinator').catch(() => ({ leader: false }))).leader) return c;
      return undefined;
    });
    await leader.kill();
    const leaderKilledAt = Date.now();
    const finished = await ended(gatewayA, third);
    expect(finished.phase).toBe('Completed');
    console.log(`coordinator leader killed mid-rebuild: run Completed ${Date.now() - leaderKilledAt} ms later`);
    for (const gateway of [gatewayA, gatewayB]) await waitFor('writes accepted after the rebuild', async () => (await writeStatus(gateway)) === 201, { timeoutMs: 5_000 });
    await bed.cluster.waitCaughtUp();
    await expectProjectionsMatchReference(bed.cluster);

    // Every node is on the map, the killed ones as down or late.
    const nodes = (await (await api(gatewayA, '/api/admin/nodes')).json()) as { nodeId: string; status: string }[];
    expect(nodes.map((n) => n.nodeId).sort()).toEqual(['co-1', 'co-2', 'gw-a', 'gw-b', 'wk-1', 'wk-2']);
  });
});
