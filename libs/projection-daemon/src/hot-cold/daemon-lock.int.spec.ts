import { advisoryLockArgs, createEventStorePool, PostgresEventStore, runMigrations } from '@projectionist/event-store';
import { createTestNamespace, TestNamespace } from '@projectionist/testing';
import { Pool, PoolClient } from 'pg';
import { DaemonLock } from './daemon-lock';

const PROMPTLY_MS = 3_000;

/** Fails instead of hanging: the append this guards against waits for the lock forever. */
function within<T>(what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not complete within ${PROMPTLY_MS} ms`)), PROMPTLY_MS)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

describe('stream locks and the election and migration locks', () => {
  let db: TestNamespace;
  let pool: Pool;
  let store: PostgresEventStore;
  let holder: PoolClient;
  const locks: DaemonLock[] = [];

  beforeAll(async () => {
    db = await createTestNamespace('lock_spaces');
    await runMigrations({ databaseUrl: db.databaseUrl, namespace: db.namespace });
    pool = createEventStorePool({ connectionString: db.databaseUrl, max: 4 });
    store = new PostgresEventStore({ pool, namespace: db.namespace });
    for (const role of ['daemon', 'coordinator']) {
      const lock = new DaemonLock(db.databaseUrl, db.namespace, 'node-1', role);
      expect(await lock.tryAcquire(() => undefined)).toBe(true);
      locks.push(lock);
    }
    // Held the way migrations and projection DDL hold theirs, for as long as the test runs.
    holder = await db.pool.connect();
    await holder.query(`SELECT pg_advisory_lock(${advisoryLockArgs('migrations', '$1')})`, [db.namespace]);
    await holder.query('BEGIN');
    await holder.query(`SELECT pg_advisory_xact_lock(${advisoryLockArgs('projectionDdl', '$1')})`, [`${db.namespace}:projection-ddl`]);
  });
  afterAll(async () => {
    // Releasing first lets a blocked append end, so its connection can close.
    for (const lock of locks) await lock.release();
    holder.release(true);
    await pool.end();
    await db.drop();
  });

  it.each(['daemon', 'coordinator', 'migrations', 'projection-ddl'])('appends to stream "%s" while that lock is held', async (streamId) => {
    const result = await within(`append to "${streamId}"`, store.append(streamId, [{ type: 'note.added', data: { text: streamId } }]));
    expect(result.nextExpectedVersion).toBe(1);
  });
});
