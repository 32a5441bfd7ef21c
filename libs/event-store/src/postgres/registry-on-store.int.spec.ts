import { createSampleRegistry } from '@projectionist/domain-events';
import { createTestNamespace, TestNamespace } from '@projectionist/testing';
import { Pool } from 'pg';
import { EventValidationError } from '../errors/event-validation.error';
import { runMigrations } from '../migrations/run-migrations';
import { createEventStorePool } from './event-store-pool';
import { PostgresEventStore } from './postgres-event-store';

describe('PostgresEventStore with the sample event registry', () => {
  let db: TestNamespace;
  let pool: Pool;
  let store: PostgresEventStore;
  const registry = createSampleRegistry();

  beforeAll(async () => {
    db = await createTestNamespace('registry');
    await runMigrations({ databaseUrl: db.databaseUrl, namespace: db.namespace });
    pool = createEventStorePool({ connectionString: db.databaseUrl, max: 2 });
    store = new PostgresEventStore({ pool, namespace: db.namespace, validator: registry, upcaster: registry });
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('rejects a known type with a bad payload, naming the field, and writes nothing', async () => {
    const error = await store
      .append('project-1', [{ type: 'CommitPushed', data: { userName: 'ann', additions: 'many', deletions: 1 } }])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventValidationError);
    expect((error as EventValidationError).issues.map((i) => i.path)).toEqual(['events[0].data.additions']);
    expect(await store.readStream('project-1')).toEqual([]);
  });

  it('stamps the schema version and reads an old CommitPushed shape as the current one', async () => {
    await store.append('project-2', [{ type: 'CommitPushed', data: { userName: 'ann', additions: 5, deletions: 2 } }]);
    // An event written before CommitPushed v2 existed, straight into the table.
    await pool.query(
      `INSERT INTO "${db.namespace}".events (stream_id, stream_version, category, event_id, type, data, metadata)
       VALUES ('project-2', 2, 'project', gen_random_uuid(), 'CommitPushed', $1, '{}')`,
      [{ userName: 'bob', linesAdded: 7, linesRemoved: 1 }],
    );
    const events = await store.readStream('project-2');
    expect(events[0].metadata.schemaVersion).toBe(2);
    expect(events.map((e) => e.data)).toEqual([
      { userName: 'ann', additions: 5, deletions: 2 },
      { userName: 'bob', additions: 7, deletions: 1 },
    ]);
  });
});
