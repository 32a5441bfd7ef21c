import { quoteIdentifier } from '@projectionist/event-store';
import { waitFor } from '@projectionist/testing';
import { AppProcess } from './support/app-process';
import { clusterOnOwnVhost } from './support/admin-api';

const STAYS = 50;
const RACES = 20;

interface Group {
  id: string;
  status: 'merging' | 'ready' | 'confirmed';
  mergedStays: { stayId: string; residual: number }[];
  failedStayIds: string[];
  balance: number;
}

/**
 * The hotel group checkout with real processes: two gateways take the clerks' commands, two
 * workers run the group checkout reactor (HotCold over its own lock) and the read models. Merges
 * go through the stays' optimistic concurrency, so two groups never share a stay.
 */
describe('group checkout across processes', () => {
  const bed = clusterOnOwnVhost('group_checkout');
  let gateways: AppProcess[];
  const send = async (gateway: AppProcess, path: string, body: object = {}) => {
    const response = await fetch(gateway.url + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
    if (response.status >= 300) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<{ position: number }>;
  };
  // minPosition: a read right after a payment must see it, not the balance before it.
  const group = (id: string, minPosition = 0) => gateways[0].json<Group>(`/api/group-checkouts/${id}${minPosition ? `?minPosition=${minPosition}` : ''}`).catch(() => undefined);
  const until = (id: string, status: Group['status'], minPosition = 0, timeoutMs = 30_000) =>
    waitFor(`group ${id} ${status}`, async () => {
      const seen = await group(id, minPosition);
      return seen?.status === status ? seen : undefined;
    }, { timeoutMs, intervalMs: 50 });
  const events = (sql: string, values: unknown[]) => bed.cluster.pool.query(`SELECT * FROM ${quoteIdentifier(bed.cluster.db.namespace)}.events WHERE ${sql}`, values);
  const reactorWorker = async () => {
    for (const worker of bed.cluster.workers.filter((w) => w.running)) {
      const status = await worker.json<{ role: string }>('/reactors').catch(() => undefined);
      if (status?.role === 'active') return worker;
    }
    return undefined;
  };

  beforeAll(async () => {
    gateways = [await bed.cluster.addApp('gateway', 'gw-1'), await bed.cluster.addApp('gateway', 'gw-2')];
    await bed.cluster.addWorker('wk-1');
    await bed.cluster.addWorker('wk-2');
    await waitFor('the reactors active on a worker', reactorWorker, { timeoutMs: 20_000 });
  });

  it(`merges a group of ${STAYS} stays with charges, fails a checked-out one, and confirms it once paid`, async () => {
    const [gw] = gateways;
    let total = 0;
    for (let i = 0; i < STAYS; i++) {
      await send(gw, '/api/stays', { id: `big-${i}` });
      for (const amount of [100 + i, 15]) {
        await send(gw, `/api/stays/big-${i}/charges`, { amount });
        total += amount;
      }
    }
    await send(gw, '/api/stays', { id: 'big-out' });
    await send(gw, '/api/stays/big-out/checkout');
    const startedAt = Date.now();
    await send(gw, '/api/group-checkouts', { id: 'big', stayIds: [...Array.from({ length: STAYS }, (_, i) => `big-${i}`), 'big-out'] });
    const ready = await until('big', 'ready');
    console.log(`${STAYS} stays merged in ${Date.now() - startedAt} ms from the group's creation`);
    expect(ready.failedStayIds).toEqual(['big-out']);
    expect(ready.mergedStays).toHaveLength(STAYS);
    expect(ready.balance).toBe(total);
    const firstPayment = await send(gw, '/api/group-checkouts/big/payments', { amount: total - 500 });
    expect((await until('big', 'ready', firstPayment.position)).balance).toBe(500);
    await send(gateways[1], '/api/group-checkouts/big/payments', { paymentId: 'rest', amount: 500 });
    expect(await until('big', 'confirmed')).toMatchObject({ status: 'confirmed', balance: 0 });
  });

  it(`gives a stay two clerks select for two groups at the same moment to exactly one group, ${RACES} times`, async () => {
    for (let race = 0; race < RACES; race++) {
      await send(gateways[0], '/api/stays', { id: `race-${race}` });
      await send(gateways[0], `/api/stays/race-${race}/charges`, { amount: 40 });
      await Promise.all(gateways.map((gw, clerk) => send(gw, '/api/group-checkouts', { id: `race-${race}-${clerk}`, stayIds: [`race-${race}`] })));
    }
    for (let race = 0; race < RACES; race++) {
      const outcomes = await Promise.all([0, 1].map((clerk) => until(`race-${race}-${clerk}`, 'ready')));
      expect(outcomes.map((o) => o.mergedStays.length).sort()).toEqual([0, 1]);
      expect(outcomes.map((o) => o.failedStayIds.length).sort()).toEqual([0, 1]);
    }
    const { rows } = await events(`type = 'MergedToGroup' AND stream_id LIKE 'guest_stay-race-%'`, []);
    expect(rows).toHaveLength(RACES);
  });
});
