import { quoteIdentifier } from '@projectionist/event-store';
import { waitFor } from '@projectionist/testing';
import { adminApi, clusterOnOwnVhost } from './support/admin-api';
import { AppProcess } from './support/app-process';

const TOKEN = 'e2e-token';

interface Car {
  carId: string;
  color: string | null;
  customerName: string | null;
}

/**
 * Blue/green by version with two builds of the worker (nx run projector-worker:build-car-view-v1
 * and :build-car-view-v2): CarView v1 never listened to customer renames, v2 is the fix (the seed
 * scenario: Bob renamed Charlie). A v2 worker joins a cluster serving v1 and builds v2 beside it
 * while writes go on; readers move to v2 in one step once it has caught up; a rollback takes them
 * back to v1's table at once, current because the v1 worker kept applying; v2 leaves them there;
 * a second rollback takes them forward again. Readers polling the whole time never see a mix of
 * the two versions, nor a failed read.
 */
describe('blue/green by version across worker builds', () => {
  const bed = clusterOnOwnVhost('bluegreen', {
    ADMIN_TOKEN: TOKEN,
    DAEMON_DISTRIBUTION: 'distributed',
    NODE_HEARTBEAT_MS: '500',
    NODE_DEAD_AFTER_MS: '2000',
    AGENT_PLAN_INTERVAL_MS: '300-600',
    DAEMON_LEASE_TTL_MS: '3000',
  });
  const { api, post } = adminApi(TOKEN);

  it('builds v2 beside v1, switches once caught up, rolls back to a current v1 at once and forward again', async () => {
    const { cluster } = bed;
    const gateway = await cluster.addApp('gateway', 'bg-gw');
    await cluster.addApp('coordinator', 'bg-co');
    const v1 = await cluster.addWorker('bg-v1', { build: 'projector-worker-car-view-v1' });

    let lastPosition = 0;
    const write = async (path: string, body: object) => {
      const response = await post(gateway, path, body);
      expect([200, 201]).toContain(response.status);
      lastPosition = Math.max(lastPosition, ((await response.json()) as { position: number }).position);
    };
    const car = async (id: string): Promise<Car> => {
      const response = await api(gateway, `/api/cars/${id}?minPosition=${lastPosition}`);
      expect(response.status).toBe(200);
      return (await response.json()) as Car;
    };

    // Seed 001: Alice's cars, Bob buys one (and a second), then Bob is renamed Charlie.
    await write('/api/cars', { id: 'hrxs21', by: 'Alice', color: 'blue' });
    await write('/api/cars/hrxs21/repaint', { color: 'red' });
    await write('/api/cars', { id: 'tye24p', by: 'Alice', color: 'blue' });
    await write('/api/customers', { id: 'b2dhuw', name: 'Bob' });
    await write('/api/cars/hrxs21/sell', { customerId: 'b2dhuw' });
    await write('/api/cars', { id: 'qq11aa', by: 'Alice', color: 'green' });
    await write('/api/cars/qq11aa/sell', { customerId: 'b2dhuw' });
    await write('/api/customers/b2dhuw/rename', { name: 'Charlie' });
    await waitFor('CarView v1 serving', async () => (await api(gateway, `/api/cars/hrxs21?minPosition=${lastPosition}`)).status === 200, { timeoutMs: 30_000 });
    expect(await car('hrxs21')).toMatchObject({ color: 'red', customerName: 'Bob' });

    // Readers: every list of cars is wholly v1 (Bob on both of his cars) or wholly v2 (Charlie).
    const shapes: string[] = [];
    const problems: string[] = [];
    let [reading, writing, color] = [true, true, 0];
    const reader = (async () => {
      while (reading) {
        const response = await api(gateway, '/api/cars?limit=10').catch((e: Error) => ({ status: e.message, json: async () => [] }));
        const cars = response.status === 200 ? ((await response.json()) as Car[]) : [];
        const names = [...new Set(cars.filter((c) => c.carId === 'hrxs21' || c.carId === 'qq11aa').map((c) => c.customerName))];
        const shape = names.length === 1 && names[0] === 'Bob' ? 'v1' : names.length === 1 && names[0] === 'Charlie' ? 'v2' : `mixed or missing: ${response.status} ${JSON.stringify(names)}`;
        if (shape !== 'v1' && shape !== 'v2') problems.push(shape);
        if (shapes[shapes.length - 1] !== shape) shapes.push(shape);
      }
    })();
    const writer = (async () => {
      for (let next = 1; writing; next++) {
        await write('/api/cars/tye24p/repaint', { color: `c${next}` });
        color = next; // acknowledged: a read at lastPosition sees it or a later one
      }
    })();
    const stopWriting = async () => {
      writing = false;
      await writer;
    };
    const schema = quoteIdentifier(cluster.db.namespace);
    const checkpointOf = async (version: number) =>
      Number((await cluster.pool.query(`SELECT last_position FROM ${schema}.projection_checkpoints WHERE projection = 'CarView' AND version = $1 AND slot = 'live'`, [version])).rows[0]?.last_position ?? 0);
    type Status = { name: string; version: number; versions: { version: number; role: string }[] };
    const status = async () => ((await (await api(gateway, '/api/admin/projections')).json()) as Status[]).find((p) => p.name === 'CarView');

    let v2: AppProcess | undefined;
    try {
      await waitFor('writes flowing', () => color >= 5, { timeoutMs: 10_000 });
      // The second build joins: the coordinator assigns it CarView@2, built beside v1 while v1 serves.
      v2 = await cluster.addWorker('bg-v2', { build: 'projector-worker-car-view-v2' });
      await waitFor('v2 switched the readers', () => v2!.lines.some((l) => l.includes('readers moved to the new version')), { timeoutMs: 60_000, intervalMs: 100 });
      // v1 went on applying the writes beside the build and after the switch.
      const at = lastPosition;
      await waitFor('v1 still applying', async () => (await checkpointOf(1)) >= at, { timeoutMs: 10_000 });
      expect(await car('hrxs21')).toMatchObject({ color: 'red', customerName: 'Charlie' });
      expect(await status()).toMatchObject({ version: 2 });

      // Rollback: v1's table at once, with the latest writes.
      const rolledBack = await post(gateway, '/api/admin/projections/CarView/rollback', {});
      expect(rolledBack.status).toBe(200);
      expect(await rolledBack.json()).toMatchObject({ projection: 'CarView', worker: 'bg-v1', version: 1 });
      const acknowledged = color;
      expect(Number((await car('tye24p')).color?.slice(1))).toBeGreaterThanOrEqual(acknowledged);
      expect(await car('hrxs21')).toMatchObject({ customerName: 'Bob' });

      // v2 keeps applying, caught up past later writes, and across several plans leaves the readers on v1.
      const later = lastPosition + 1;
      await waitFor('writes after the rollback', () => lastPosition >= later + 10, { timeoutMs: 10_000 });
      const target = lastPosition;
      await waitFor('v2 caught up after the rollback', async () => (await checkpointOf(2)) >= target, { timeoutMs: 10_000 });
      const renewedAt = async () => (await cluster.pool.query(`SELECT expires_at FROM ${schema}.projection_leases WHERE projection = 'CarView@2'`)).rows[0].expires_at as Date;
      const first = await renewedAt();
      await waitFor('v2 renewed its lease twice more', async () => (await renewedAt()).getTime() >= first.getTime() + 1_000, { timeoutMs: 10_000 });
      expect(await car('hrxs21')).toMatchObject({ customerName: 'Bob' });
      expect(await status()).toMatchObject({ version: 1 });
      expect(v2.lines.filter((l) => l.includes('readers moved to the new version'))).toHaveLength(1);

      // Forward again: a second rollback undoes the first, by v2's holder.
      const forward = await post(gateway, '/api/admin/projections/CarView/rollback', {});
      expect(forward.status).toBe(200);
      expect(await forward.json()).toMatchObject({ worker: 'bg-v2', version: 2 });
      await stopWriting();
      expect(await car('hrxs21')).toMatchObject({ customerName: 'Charlie' });
      expect((await car('tye24p')).color).toBe(`c${color}`);

      // With the v1 build gone, a rollback would serve a table nobody updates: refused.
      await v1.stop();
      await waitFor('CarView@1 released', async () => {
        const { rows } = await cluster.pool.query(`SELECT 1 FROM ${schema}.projection_leases WHERE projection = 'CarView@1' AND expires_at > now()`);
        return rows.length === 0;
      }, { timeoutMs: 10_000 });
      const refused = await post(gateway, '/api/admin/projections/CarView/rollback', {});
      expect(refused.status).toBe(409);
      expect(await refused.json()).toMatchObject({ error: 'VERSION_NOT_RUNNING' });
      expect(await car('hrxs21')).toMatchObject({ customerName: 'Charlie' });
    } finally {
      await stopWriting();
      reading = false;
      await reader;
    }
    console.log(`blue/green: reads went ${shapes.join(' → ')}; ${color} repaints written`);
    expect(problems).toEqual([]);
    expect(shapes).toEqual(['v1', 'v2', 'v1', 'v2']);
  });
});
