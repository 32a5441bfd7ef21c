import { CustomProjection } from '@projectionist/projections';
import { waitFor } from '@projectionist/testing';
import { createDaemonFixture, DaemonFixture } from '../testing/daemon-fixture';

describe('custom projections', () => {
  let f: DaemonFixture;
  beforeAll(async () => {
    f = await createDaemonFixture('custom');
  });
  afterAll(() => f.close());

  /** Keeps a row per event in its own table, in the batch's transaction; refuses events marked bad. */
  const ledger = (name: string, policy: 'stop' | 'dead-letter'): CustomProjection => ({
    kind: 'custom',
    name,
    version: 1,
    mode: 'async',
    eventTypes: [`entry-${name}`],
    errorPolicy: { kind: policy },
    retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 2 },
    createTable: (table) => `CREATE TABLE ${table} (position bigint PRIMARY KEY, amount int NOT NULL)`,
    handle: async (events, tx) => {
      for (const event of events) {
        const { amount } = event.data as { amount: number };
        if (amount < 0) throw new Error(`negative amount ${amount}`);
        await tx.query(`INSERT INTO ${tx.table} (position, amount) VALUES ($1, $2)`, [event.position, amount]);
      }
    },
  });
  const entries = (name: string, amounts: number[]) => amounts.map((amount) => ({ type: `entry-${name}`, data: { amount } }));
  const start = async (projection: CustomProjection) => {
    const daemon = f.daemon([projection], { pageSize: 50 });
    await daemon.start(new Map([[projection.name, await daemon.storage.fence.claim(projection.name, 'node-1')]]));
    return daemon;
  };
  const amounts = async (table: string) =>
    (await f.pool.query(`SELECT amount FROM "${f.db.namespace}".${table} ORDER BY position`)).rows.map((r) => r.amount);

  it('finds the failing event of a batch and dead-letters only that one', async () => {
    const daemon = await start(ledger('LedgerA', 'dead-letter'));
    await f.store.append('l-1', entries('LedgerA', [1, 2, -3, 4, 5]));
    const last = await f.store.append('l-1', entries('LedgerA', [6]));
    await daemon.waitForNonStale({ position: last.positions[0] });
    expect(await amounts('ledger_a_v1')).toEqual([1, 2, 4, 5, 6]);
    const letters = await daemon.storage.deadLetters.list(f.pool, 'LedgerA');
    expect(letters).toEqual([expect.objectContaining({ error: expect.stringContaining('negative amount -3') })]);
    await daemon.stop();
  });

  it('stops at the failing event with the stop policy, having applied the ones before it', async () => {
    const daemon = await start(ledger('LedgerB', 'stop'));
    const appended = await f.store.append('l-2', entries('LedgerB', [1, 2, -3, 4]));
    await waitFor('the projection to stop on the error', () => daemon.progress()[0].state === 'error');
    expect(daemon.progress()[0].error).toMatchObject({ eventPosition: appended.positions[2], message: expect.stringContaining('negative amount -3') });
    expect(await amounts('ledger_b_v1')).toEqual([1, 2]);
    await daemon.stop();
  });
});
