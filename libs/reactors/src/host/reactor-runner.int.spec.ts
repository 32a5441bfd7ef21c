import { createEventStorePool, FEED_START, PostgresEventStore, runMigrations } from '@projectionist/event-store';
import { PROJECTION_DAEMON_MIGRATIONS } from '@projectionist/projection-daemon';
import { createTestNamespace, TestNamespace, waitFor } from '@projectionist/testing';
import { Pool } from 'pg';
import { Reactor } from '../model/reactor';
import { ReactorRunner } from './reactor-runner';
import { ReactorStatusReader } from '../status/reactor-status-reader';
import { ReactorStorage } from './reactor-storage';

describe('ReactorRunner on PostgreSQL', () => {
  let db: TestNamespace;
  let pool: Pool;
  let store: PostgresEventStore;
  const logs: string[] = [];
  const logger = { log: () => undefined, warn: (m: unknown) => logs.push(`warn ${JSON.stringify(m)}`), error: (m: unknown) => logs.push(`error ${JSON.stringify(m)}`) };
  const runners: ReactorRunner[] = [];
  beforeAll(async () => {
    db = await createTestNamespace('reactor_runner');
    await runMigrations({ databaseUrl: db.databaseUrl, namespace: db.namespace, extraMigrations: PROJECTION_DAEMON_MIGRATIONS });
    pool = createEventStorePool({ connectionString: db.databaseUrl, max: 12 });
    store = new PostgresEventStore({ pool, namespace: db.namespace });
  });
  afterAll(async () => {
    for (const runner of runners) await runner.stop();
    await pool.end();
    await db.drop();
  });

  const runner = (reactors: Reactor[], nodeId = 'node-1', onLeaseLost?: () => void) => {
    const r = new ReactorRunner({ reactors, store, pool, namespace: db.namespace, nodeId, logger, pollIntervalMs: 50, onLeaseLost });
    runners.push(r);
    return r;
  };
  const handled: string[] = [];
  const recorder = (name: string, category: string): Reactor => ({
    name,
    categories: [category],
    retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 2 },
    async handle(streamId, events, context) {
      if (streamId.endsWith('poison')) throw new Error(`cannot handle ${streamId}`);
      handled.push(...events.map((e) => `${name} ${streamId} ${e.type}`));
      await context.store.append(`receipt-${streamId}`, [{ id: context.eventId(events[events.length - 1], `receipt-${streamId}`, 0), type: 'Receipt', data: {} }]);
    },
  });

  it('resumes from its own checkpoint after a restart and parks a poison stream in the dead letters with the error', async () => {
    const reactor = recorder('Receipts', 'parcel');
    await store.append('parcel-1', [{ type: 'Sent', data: {} }]);
    await store.append('parcel-poison', [{ type: 'Sent', data: {} }]);
    const first = runner([reactor]);
    await first.start();
    await waitFor('the receipt of parcel-1', async () => (await store.readStream('receipt-parcel-1')).length === 1, { timeoutMs: 10_000 });
    await waitFor('the poison parcel parked', async () => (await first.storage.deadLetters.list(pool, 'reactor:Receipts')).length === 1, { timeoutMs: 10_000 });
    await first.stop();
    const [parked] = await first.storage.deadLetters.list(pool, 'reactor:Receipts');
    expect(parked).toMatchObject({ error: 'cannot handle parcel-poison', attempts: 2 });
    // What an operator sees: where it stands, nothing behind, the poison event with its error.
    const status = new ReactorStatusReader(pool, db.namespace, [reactor]);
    expect(await status.list()).toEqual([
      expect.objectContaining({ name: 'Receipts', state: 'running', node: 'node-1', lagEvents: 0, deadLetters: 1, position: (await store.readStream('parcel-poison'))[0].position }),
    ]);
    expect(await status.deadLetters('Receipts')).toEqual([expect.objectContaining({ streamId: 'parcel-poison', eventType: 'Sent', error: 'cannot handle parcel-poison', attempts: 2 })]);
    await store.append('parcel-3', [{ type: 'Sent', data: {} }]);
    expect(await status.list()).toEqual([expect.objectContaining({ lagEvents: 1, lagMs: expect.any(Number) })]);

    await store.append('parcel-2', [{ type: 'Sent', data: {} }]);
    const second = runner([reactor]);
    await second.start();
    await waitFor('the receipts of parcel-2 and 3', async () => (await store.readStream('receipt-parcel-2')).length === 1 && (await store.readStream('receipt-parcel-3')).length === 1, { timeoutMs: 10_000 });
    await second.stop();
    // parcel-1 was not handled again: the checkpoint had passed it.
    expect(handled.filter((h) => h.startsWith('Receipts parcel-1'))).toEqual(['Receipts parcel-1 Sent']);
    const checkpoint = ReactorStorage.key(reactor);
    expect(await second.storage.checkpoints.cursorIn(pool, checkpoint)).not.toEqual(FEED_START);
  });

  it('stops a runner whose lease another runner took over: its checkpoint moves are fenced out', async () => {
    const reactor = recorder('Fenced', 'letter');
    let lost = 0;
    const first = runner([reactor], 'node-1', () => lost++);
    await first.start();
    const second = runner([reactor], 'node-2');
    await second.start();
    await store.append('letter-1', [{ type: 'Sent', data: {} }]);
    await waitFor('the receipt of letter-1', async () => (await store.readStream('receipt-letter-1')).length === 1, { timeoutMs: 10_000 });
    await waitFor('the first runner fenced out', () => lost === 1, { timeoutMs: 10_000 });
    expect(second.progress()[0].state).toBe('running');
    await second.stop();
    await first.stop();
  });
});
