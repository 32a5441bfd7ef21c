import { waitFor } from '@projectionist/testing';
import { AppProcess } from './support/app-process';
import { expectProjectionsMatchReference } from './support/projection-equality';
import { adminApi, clusterOnOwnVhost, runEnded } from './support/admin-api';

const TOKEN = 'e2e-token';
/**
 * Car events seeded before the rebuild: enough for it to run some seconds beside the writes, so
 * that the worker's progress (sent every second) reports the distance to head before the switch.
 */
const SEEDED_EVENTS = 200_000;

interface Run {
  mode: string;
  phase: string;
  history: { phase: string; at: number }[];
  progress: { distanceToHead?: number | null; switchPauseMs?: number | null } | null;
  failure: { reason: string } | null;
}

interface Car {
  color: string;
  customerId: string | null;
  customerName: string | null;
}

/**
 * An online rebuild of CarView with real processes (gateway, coordinator, worker) while a client
 * keeps writing dealership commands and reading cars through the gateway: no write is held or
 * refused, no read fails, the run goes through its online phases, and CarView ends as the writes
 * say it must.
 */
describe('online rebuild across processes', () => {
  const bed = clusterOnOwnVhost('online', { ADMIN_TOKEN: TOKEN });
  const { api, post } = adminApi(TOKEN);
  const run = async (gateway: AppProcess, id: string) => (await (await api(gateway, `/api/admin/rebuilds/${id}`)).json()) as Run;

  it('keeps taking writes and serving reads while CarView is rebuilt online, and ends as the writes say', async () => {
    const gateway = await bed.cluster.addApp('gateway', 'gw-a');
    await bed.cluster.addApp('coordinator', 'co-1');
    await bed.cluster.addWorker('wk-1');
    await waitFor('an active worker', () => bed.cluster.activeWorker(), { timeoutMs: 20_000 });

    // The example: two cars, a customer renamed, a car sold to them.
    for (const [path, body, status] of [
      ['/api/customers', { id: 'ann', name: 'Ann' }, 201],
      ['/api/customers', { id: 'bob', name: 'Bob' }, 201],
      ['/api/cars', { id: 'c1', by: 'dealer', color: 'red' }, 201],
      ['/api/cars', { id: 'c2', by: 'dealer', color: 'blue' }, 201],
      ['/api/customers/ann/rename', { name: 'Ann Smith' }, 200],
      ['/api/cars/c1/sell', { customerId: 'ann' }, 200],
    ] as const) {
      expect((await post(gateway, path, body)).status).toBe(status);
    }
    await bed.cluster.seedCars({ total: SEEDED_EVENTS, streams: 5_000 });
    const seededAt = Date.now();
    await bed.cluster.waitCaughtUp(180_000);
    console.log(`live projections caught up with ${SEEDED_EVENTS} seeded car events in ${Date.now() - seededAt} ms`);

    // What the writes imply, kept as they are accepted.
    const expected: Record<'c1' | 'c2', Car> = {
      c1: { color: 'red', customerId: 'ann', customerName: 'Ann Smith' },
      c2: { color: 'blue', customerId: null, customerName: null },
    };
    const customers: Record<string, string> = { ann: 'Ann Smith', bob: 'Bob' };
    const refused: string[] = [];
    const failedReads: string[] = [];
    let [writes, reads, lastPosition] = [0, 0, 0];
    let writing = true;
    const write = async (path: string, body: object) => {
      const response = await post(gateway, path, body).catch((e: Error) => ({ status: 0, statusText: e.message, json: async () => ({}) }));
      if (response.status !== 200 && response.status !== 201) {
        refused.push(`${path} → ${response.status}`);
        return false;
      }
      lastPosition = Math.max(lastPosition, ((await response.json()) as { position: number }).position);
      writes++;
      return true;
    };
    const writer = (async () => {
      for (let n = 0; writing; n++) {
        const car = n % 2 === 0 ? 'c1' : 'c2';
        if (await write(`/api/cars/${car}/repaint`, { color: `color-${n}` })) expected[car].color = `color-${n}`;
        if (n % 5 === 4 && (await write('/api/customers/ann/rename', { name: `Ann ${n}` }))) customers.ann = `Ann ${n}`;
        if (n === 10 && (await write('/api/cars/c2/sell', { customerId: 'bob' }))) expected.c2.customerId = 'bob';
      }
    })();
    const reader = (async () => {
      while (writing) {
        for (const path of ['/api/cars/c1', '/api/cars/c2', '/api/cars?limit=5']) {
          const status = await api(gateway, path).then((r) => r.status, (e: Error) => e.message);
          if (status === 200) reads++;
          else failedReads.push(`${path} → ${status}`);
        }
      }
    })();

    try {
      await waitFor('writes flowing', () => writes >= 5, { timeoutMs: 10_000 });
      const response = await post(gateway, '/api/admin/projections/CarView/rebuilds', { mode: 'online' });
      expect(response.status).toBe(202);
      const id = ((await response.json()) as { rebuildId: string }).rebuildId;
      const writesAtRequest = writes;
      const catchingUp = await waitFor('the run building or catching up with its distance to head', async () => {
        const r = await run(gateway, id);
        if (['Completed', 'Failed', 'Cancelled'].includes(r.phase)) throw new Error(`the run ended ${r.phase} before it reported a distance to head`);
        return ['Building', 'CatchingUp'].includes(r.phase) && typeof r.progress?.distanceToHead === 'number' ? r : undefined;
      }, { timeoutMs: 60_000, intervalMs: 50 });
      console.log(`online run seen ${catchingUp.phase}, distance to head ${catchingUp.progress?.distanceToHead}`);
      expect(catchingUp.progress?.distanceToHead).toBeGreaterThanOrEqual(0);
      const ended = await runEnded(() => run(gateway, id), 180_000);
      const overlapping = writes - writesAtRequest;
      // Some writes after the end too, so the new table is shown taking them.
      await waitFor('writes after the switch', () => writes >= overlapping + writesAtRequest + 10, { timeoutMs: 10_000 });
      writing = false;
      await Promise.all([writer, reader]);

      const t0 = ended.history[0].at;
      console.log(
        `online rebuild: ${ended.history.map((h) => `${h.phase} +${h.at - t0} ms`).join(', ')}; switch pause ${ended.progress?.switchPauseMs} ms; ` +
          `${overlapping} writes during the run, ${writes} in all, ${reads} reads`,
      );
      expect(ended).toMatchObject({ mode: 'online', phase: 'Completed', failure: null });
      expect(ended.history.map((h) => h.phase).filter((p) => p !== 'CatchingUp')).toEqual(['Requested', 'Building', 'Switching', 'Completed']);
      const times = ended.history.map((h) => h.at);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(typeof ended.progress?.switchPauseMs).toBe('number');
      expect(overlapping).toBeGreaterThanOrEqual(20);
      expect(refused).toEqual([]);
      expect(failedReads).toEqual([]);
    } finally {
      writing = false;
      await Promise.all([writer, reader]);
    }

    // CarView as the writes imply, read through the gateway once it has applied the last write.
    expected.c1.customerName = customers.ann;
    expected.c2.customerName = customers.bob;
    for (const car of ['c1', 'c2'] as const) {
      const response = await api(gateway, `/api/cars/${car}?minPosition=${lastPosition}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ carId: car, sold: true, ...expected[car] });
    }
    await bed.cluster.waitCaughtUp();
    await expectProjectionsMatchReference(bed.cluster);

    // Rollback: back to the table the rebuild replaced, which catches up on the writes since; and forward again.
    const rolledBack = await post(gateway, '/api/admin/projections/CarView/rollback', {});
    expect(rolledBack.status).toBe(200);
    const { pauseMs } = (await rolledBack.json()) as { pauseMs: number };
    console.log(`rollback: CarView paused ${pauseMs} ms`);
    const after = await post(gateway, '/api/cars/c1/repaint', { color: 'after-rollback' });
    const position = ((await after.json()) as { position: number }).position;
    expect(await (await api(gateway, `/api/cars/c1?minPosition=${position}`)).json()).toMatchObject({ color: 'after-rollback', customerId: 'ann' });
    expect((await post(gateway, '/api/admin/projections/CarView/rollback', {})).status).toBe(200);
    await bed.cluster.waitCaughtUp();
    await expectProjectionsMatchReference(bed.cluster);
    // Nothing kept for a projection no online rebuild replaced; an unknown projection is not found.
    const none = await post(gateway, '/api/admin/projections/CustomerView/rollback', {});
    expect(none.status).toBe(409);
    expect(await none.json()).toMatchObject({ error: 'NO_PREVIOUS_TABLE' });
    expect((await post(gateway, '/api/admin/projections/Nope/rollback', {})).status).toBe(404);
  });
});
