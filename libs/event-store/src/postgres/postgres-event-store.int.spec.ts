import { randomUUID } from 'node:crypto';
import { createTestNamespace, TestNamespace, waitFor } from '@projectionist/testing';
import { Pool } from 'pg';
import { runMigrations } from '../migrations/run-migrations';
import { eventStoreContract } from '../testing/event-store.contract';
import { createEventStorePool } from './event-store-pool';
import { PostgresEventStore } from './postgres-event-store';
import { readWholeFeed } from '../feed/read-whole-feed';
import { StreamVersionConflictError } from '../errors/stream-version-conflict.error';
import { DuplicateEventIdError } from '../errors/duplicate-event-id.error';

describe('PostgresEventStore', () => {
  let db: TestNamespace;
  let pool: Pool;
  let counter = 0;
  const namespaces: string[] = [];

  beforeAll(async () => {
    db = await createTestNamespace('event_store');
    pool = createEventStorePool({ connectionString: db.databaseUrl, max: 8 });
  });
  afterAll(async () => {
    for (const ns of namespaces) await pool.query(`DROP SCHEMA IF EXISTS "${ns}" CASCADE`);
    await pool.end();
    await db.drop();
  });

  /** Each contract test gets an empty store in its own schema. */
  async function freshStore(): Promise<PostgresEventStore> {
    const namespace = `${db.namespace}_${++counter}`;
    namespaces.push(namespace);
    await runMigrations({ databaseUrl: db.databaseUrl, namespace });
    return new PostgresEventStore({ pool, namespace });
  }

  eventStoreContract('PostgresEventStore', freshStore);

  // The same contract with every feed page packed into JSON by the database.
  eventStoreContract('PostgresEventStore, json-encoded pages', async () => {
    const store = await freshStore();
    const readAll = store.readAll.bind(store);
    store.readAll = (options = {}) => readAll({ ...options, encoding: 'json' });
    return store;
  });

  it('runs migrations once even when many processes start at the same time', async () => {
    const namespace = `${db.namespace}_mig`;
    namespaces.push(namespace);
    const runs = await Promise.all(Array.from({ length: 4 }, () => runMigrations({ databaseUrl: db.databaseUrl, namespace })));
    expect(runs.flat()).toEqual(['CreateEventStore1732000000000', 'ReviseAppendToStream1732000000004', 'CacheAppendPlans1732000000005', 'SkipIdCheckForNewIds1734000000000']);
  });

  it('lets exactly one of two racing writers with the same expected version win', async () => {
    const store = await freshStore();
    await store.append('car-race', [{ type: 'car.created', data: { by: 'a', color: 'red' } }]);
    for (let round = 0; round < 20; round++) {
      const version = round + 1;
      const results = await Promise.allSettled([
        store.append('car-race', [{ type: 'car.repainted', data: { color: `a${round}` } }], { expectedVersion: version }),
        store.append('car-race', [{ type: 'car.repainted', data: { color: `b${round}` } }], { expectedVersion: version }),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0].reason).toBeInstanceOf(StreamVersionConflictError);
      expect(lost[0].reason.actualVersion).toBe(version + 1);
    }
    expect(await store.readStream('car-race')).toHaveLength(21);
  });

  it('rolls back appends made in a transaction that fails', async () => {
    const store = await freshStore();
    await expect(
      store.transaction(async (session) => {
        await session.append('car-tx', [{ type: 'car.created', data: { by: 'a', color: 'red' } }]);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.readStream('car-tx')).toEqual([]);
  });

  it('retries a transaction whose early id would put a stream out of order in the feed', async () => {
    const store = await freshStore();
    await store.append('car-a', [{ type: 'car.created', data: { by: 'a', color: 'red' } }]);
    let attempts = 0;
    let holding = false;
    let release!: () => void;
    const holdOpen = new Promise<void>((resolve) => (release = resolve));
    // The slow transaction gets its id (append to car-a) before a younger one appends to car-b.
    const slow = store.transaction(async (session) => {
      attempts++;
      await session.append('car-a', [{ type: 'car.repainted', data: { color: 'x' } }]);
      if (attempts === 1) {
        holding = true;
        await holdOpen;
      }
      await session.append('car-b', [{ type: 'car.repainted', data: { color: 'slow' } }]);
    });
    // Only once its first append has returned does the slow transaction hold its (older) id.
    await waitUntil(() => holding);
    await store.append('car-b', [{ type: 'car.created', data: { by: 'b', color: 'blue' } }]);
    release();
    await slow;
    expect(attempts).toBe(2);
    const feed = (await readWholeFeed(store)).filter((e) => e.streamId === 'car-b').map((e) => e.streamVersion);
    expect(feed).toEqual([1, 2]);
  });

  it('answers DuplicateEventIdError, not a unique violation, to an append whose new event id another stream is committing', async () => {
    const store = await freshStore();
    const event = { id: randomUUID(), type: 'car.created', data: { by: 'ann', color: 'red' } };
    let appended = false;
    let commit!: () => void;
    const committing = new Promise<void>((resolve) => (commit = resolve));
    const first = store.transaction(async (session) => {
      await session.append('car-first', [event]);
      appended = true;
      await committing;
    });
    await waitFor('the first append to insert the event', () => appended);
    // Neither append sees the other's row: the second waits on the unique index until the first commits.
    const second = store.append('car-second', [event]).catch((error: unknown) => error);
    await waitFor('the second append to wait for the first', async () => {
      const { rows } = await pool.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1",
        [`%${db.namespace}_%append_to_stream%`],
      );
      return rows[0].n === 1;
    });
    commit();
    await first;
    const error = await second;
    expect(error).toBeInstanceOf(DuplicateEventIdError);
    expect(error).toMatchObject({ code: 'DUPLICATE_EVENT_ID', streamId: 'car-second' });
    expect(await store.readStream('car-second')).toEqual([]);
  });

  describe('the append function without the id lookup (ids the store generated)', () => {
    const call = (namespace: string, args: { stream: string; id: string; color: string }, idsMayExist?: boolean) =>
      pool.query(
        `SELECT status FROM "${namespace}".append_to_stream($1, 'car', 'any', NULL, ARRAY[$2]::uuid[], ARRAY['car.repainted'], ARRAY[$3]::jsonb[], ARRAY['{}']::jsonb[]${idsMayExist === undefined ? '' : ', $4'})`,
        [args.stream, args.id, JSON.stringify({ color: args.color }), ...(idsMayExist === undefined ? [] : [idsMayExist])],
      );

    it('refuses a recorded id through the unique index, writing nothing, so the store still answers DuplicateEventIdError', async () => {
      const store = await freshStore();
      const namespace = namespaces[namespaces.length - 1];
      const id = randomUUID();
      await call(namespace, { stream: 'car-1', id, color: 'red' }, false);
      await expect(call(namespace, { stream: 'car-2', id, color: 'red' }, false)).rejects.toMatchObject({ code: '23505', constraint: 'events_event_id_uq' });
      await expect(call(namespace, { stream: 'car-1', id, color: 'red' }, false)).rejects.toMatchObject({ code: '23505', constraint: 'events_event_id_uq' });
      expect(await readWholeFeed(store)).toHaveLength(1);
    });

    it('keeps the 8-argument function (older processes) answering a retry as idempotent', async () => {
      await freshStore();
      const namespace = namespaces[namespaces.length - 1];
      const id = randomUUID();
      expect((await call(namespace, { stream: 'car-1', id, color: 'red' })).rows[0].status).toBe('ok');
      expect((await call(namespace, { stream: 'car-1', id, color: 'red' })).rows[0].status).toBe('idempotent');
      expect((await call(namespace, { stream: 'car-1', id, color: 'blue' })).rows[0].status).toBe('content_conflict');
    });
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 5));
  }
}
