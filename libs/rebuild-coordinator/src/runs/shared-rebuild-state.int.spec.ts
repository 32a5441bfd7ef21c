import { createEventStorePool, runMigrations } from '@projectionist/event-store';
import { RebuildBoard } from '@projectionist/shared-cache';
import { createTestNamespace, freePort, TEST_REDIS_URL, TestNamespace, uniqueNamespace, waitFor } from '@projectionist/testing';
import { Pool } from 'pg';
import { REBUILD_COORDINATOR_MIGRATIONS } from '../migrations';
import { RebuildRunStore } from './rebuild-run-store';

const request = (id: string) => ({ kind: 'Request' as const, id, projection: 'CarView', mode: 'blocking' as const });
const ids = (runs: { id: string }[]) => runs.map((r) => r.id);

/**
 * What a node starting (or reconnecting) reads: the snapshot the coordinator shared through keyv,
 * kept only when its version is PostgreSQL's. Real Redis and PostgreSQL; each test has a schema
 * and a Redis key prefix of its own.
 */
describe('the shared rebuild state a node starts from', () => {
  let db: TestNamespace;
  let pool: Pool;
  let counter = 0;
  const schemas: string[] = [];
  const boards: RebuildBoard[] = [];
  let store: RebuildRunStore;
  let prefix: string;
  /** What the boards asked PostgreSQL for: the runs, or just their version. */
  let reads: { runs: number; version: number };

  beforeAll(async () => {
    db = await createTestNamespace('shared_state');
    pool = createEventStorePool({ connectionString: db.databaseUrl, max: 6 });
  });
  beforeEach(async () => {
    const schema = `${db.namespace}_${++counter}`;
    schemas.push(schema);
    await runMigrations({ databaseUrl: db.databaseUrl, namespace: schema, extraMigrations: [...REBUILD_COORDINATOR_MIGRATIONS] });
    store = new RebuildRunStore(pool, schema);
    prefix = uniqueNamespace('shared_state');
    reads = { runs: 0, version: 0 };
  });
  afterEach(async () => {
    for (const board of boards.splice(0)) await board.close();
  });
  afterAll(async () => {
    for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
    await db.drop();
  });

  const board = async (redisUrl = TEST_REDIS_URL) => {
    const b = new RebuildBoard({
      redisUrl,
      namespace: prefix,
      fallback: () => (reads.runs++, store.snapshot()),
      version: () => (reads.version++, store.version()),
      fallbackTtlMs: 0,
    });
    boards.push(b);
    await b.start();
    return b;
  };
  /** The coordinator's side: it shares what it wrote. */
  const share = async () => {
    const coordinator = await board();
    await waitFor('the coordinator live', () => coordinator.isLive);
    await coordinator.publish(await store.snapshot());
  };

  it('uses a snapshot with the durable version as it is, asking PostgreSQL only for that version', async () => {
    await store.request(request('run-1'));
    await share();
    reads = { runs: 0, version: 0 };
    const starting = await board();
    await waitFor('live', () => starting.isLive);
    expect(ids(await starting.active())).toEqual(['run-1']);
    expect(reads.runs).toBe(0);
    expect(reads.version).toBeGreaterThan(0);
  });

  it('reads PostgreSQL when the snapshot is older than the durable state (a change never shared)', async () => {
    await store.request(request('run-2'));
    await share();
    // The run ends, and its coordinator stops before sharing it: the snapshot still shows it active.
    await store.apply('run-2', { kind: 'Withdraw' });
    const starting = await board();
    await waitFor('live', () => starting.isLive);
    expect(await starting.active()).toEqual([]);
    expect(reads.runs).toBeGreaterThan(0);
  });

  it('reads PostgreSQL when nothing was shared', async () => {
    await store.request(request('run-3'));
    const starting = await board();
    await waitFor('live', () => starting.isLive);
    expect(ids(await starting.active())).toEqual(['run-3']);
    expect(reads.runs).toBeGreaterThan(0);
  });

  it('answers from PostgreSQL while Redis is unreachable, never from a guess', async () => {
    await store.request(request('run-4'));
    const offline = await board(`redis://127.0.0.1:${await freePort()}`);
    expect(offline.isLive).toBe(false);
    expect(ids(await offline.active())).toEqual(['run-4']);
  });
});
