import { createEventStorePool, PostgresEventStore, runMigrations } from '@projectionist/event-store';
import { createTestNamespace, TestNamespace } from '@projectionist/testing';
import { Pool } from 'pg';
import { handleCommand } from './command-handler';
import { projectDecider } from './deciders/project.decider';
import { DomainRejection } from './deciders/domain-rejection';

describe('handleCommand on PostgreSQL', () => {
  let db: TestNamespace;
  let pool: Pool;
  let store: PostgresEventStore;
  beforeAll(async () => {
    db = await createTestNamespace('commands');
    await runMigrations({ databaseUrl: db.databaseUrl, namespace: db.namespace });
    pool = createEventStorePool({ connectionString: db.databaseUrl, max: 12 });
    store = new PostgresEventStore({ pool, namespace: db.namespace });
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('returns the stream, its version and the position to read the write back', async () => {
    const result = await handleCommand(store, 'project-a', projectDecider, { kind: 'StartProject', name: 'A', organization: 'O' });
    const [event] = await store.readStream('project-a');
    expect(result).toEqual({ streamId: 'project-a', version: 1, position: event.position });
  });

  it('decides again after a concurrent write instead of losing it', async () => {
    await handleCommand(store, 'project-b', projectDecider, { kind: 'StartProject', name: 'B', organization: 'O' });
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        handleCommand(store, 'project-b', projectDecider, { kind: 'PushCommit', userName: `u${i}`, additions: 1, deletions: 0 }, { conflictRetries: 20 }),
      ),
    );
    expect((await store.readStream('project-b')).map((e) => e.streamVersion)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('writes nothing when the domain refuses', async () => {
    await expect(handleCommand(store, 'project-c', projectDecider, { kind: 'CloseIssue', issueId: 'i' })).rejects.toBeInstanceOf(DomainRejection);
    expect(await store.readStream('project-c')).toEqual([]);
  });
});
