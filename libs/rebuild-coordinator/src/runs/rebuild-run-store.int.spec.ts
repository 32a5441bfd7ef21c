import { createEventStorePool, runMigrations } from '@projectionist/event-store';
import { createTestNamespace, TestNamespace } from '@projectionist/testing';
import { Pool } from 'pg';
import { REBUILD_COORDINATOR_MIGRATIONS } from '../migrations';
import { rebuildRunStoreContract } from '../testing/rebuild-run-store.contract';
import { RebuildRunStore } from './rebuild-run-store';

describe('RebuildRunStore', () => {
  let db: TestNamespace;
  let pool: Pool;
  let counter = 0;
  const namespaces: string[] = [];
  beforeAll(async () => {
    db = await createTestNamespace('rebuild_runs');
    pool = createEventStorePool({ connectionString: db.databaseUrl, max: 12 });
  });
  afterAll(async () => {
    for (const namespace of namespaces) await pool.query(`DROP SCHEMA IF EXISTS "${namespace}" CASCADE`);
    await pool.end();
    await db.drop();
  });

  /** Each contract test gets empty tables in a schema of its own. */
  rebuildRunStoreContract('RebuildRunStore', async () => {
    const namespace = `${db.namespace}_${++counter}`;
    namespaces.push(namespace);
    await runMigrations({ databaseUrl: db.databaseUrl, namespace, extraMigrations: [...REBUILD_COORDINATOR_MIGRATIONS] });
    return new RebuildRunStore(pool, namespace);
  });
});
