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

  it('creates a stream expected to be new without reading it first', async () => {
    const reads: string[] = [];
    const counted = { readStream: (id: string) => (reads.push(id), store.readStream(id)), append: store.append.bind(store) };
    const result = await handleCommand(counted, 'project-new', projectDecider, { kind: 'StartProject', name: 'N', organization: 'O' }, { expectNew: true });
    expect(reads).toEqual([]);
    expect(result.version).toBe(1);
    expect((await store.readStream('project-new')).map((e) => e.type)).toEqual(['ProjectStarted']);
  });

  it('refuses a create expected to be new as the domain does when the stream exists after all', async () => {
    await handleCommand(store, 'project-twice', projectDecider, { kind: 'StartProject', name: 'T', organization: 'O' });
    const again = handleCommand(store, 'project-twice', projectDecider, { kind: 'StartProject', name: 'T2', organization: 'O' }, { expectNew: true });
    await expect(again).rejects.toMatchObject({ name: 'DomainRejection', code: 'ALREADY_EXISTS' });
    expect(await store.readStream('project-twice')).toHaveLength(1);
  });

  it('lets exactly one of concurrent creates of the same new stream succeed', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => handleCommand(store, 'project-race', projectDecider, { kind: 'StartProject', name: `R${i}`, organization: 'O' }, { expectNew: true })),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason.code)).toEqual(Array(7).fill('ALREADY_EXISTS'));
    expect(await store.readStream('project-race')).toHaveLength(1);
  });

  it('writes nothing when the domain refuses', async () => {
    await expect(handleCommand(store, 'project-c', projectDecider, { kind: 'CloseIssue', issueId: 'i' })).rejects.toBeInstanceOf(DomainRejection);
    expect(await store.readStream('project-c')).toEqual([]);
  });
});
