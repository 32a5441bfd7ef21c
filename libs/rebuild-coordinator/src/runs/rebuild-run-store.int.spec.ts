import { createEventStorePool, runMigrations } from '@projectionist/event-store';
import { RebuildRejected } from '@projectionist/rebuild-state';
import { createTestNamespace, TestNamespace } from '@projectionist/testing';
import { Pool } from 'pg';
import { CreateRebuildRuns1732000000002 } from '../migrations/1732000000002-create-rebuild-runs';
import { RebuildRunStore } from './rebuild-run-store';

describe('RebuildRunStore', () => {
  let db: TestNamespace;
  let pool: Pool;
  let store: RebuildRunStore;
  beforeAll(async () => {
    db = await createTestNamespace('rebuild_runs');
    await runMigrations({ databaseUrl: db.databaseUrl, namespace: db.namespace, extraMigrations: [CreateRebuildRuns1732000000002] });
    pool = createEventStorePool({ connectionString: db.databaseUrl, max: 12 });
    store = new RebuildRunStore(pool, db.namespace);
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  const request = (id: string, projection = 'CarView') => ({ kind: 'Request' as const, id, projection, mode: 'blocking' as const });

  it('keeps every phase of a run with its time', async () => {
    await store.request(request('r-1'), 1_000);
    await store.apply('r-1', { kind: 'WorkerStopped', worker: 'w-1' }, 2_000);
    await store.apply('r-1', { kind: 'Progress', worker: 'w-1', progress: { processed: 5, total: 10, eventsPerSecond: 5, etaMs: 1000 } }, 3_000);
    await store.apply('r-1', { kind: 'WorkerCompleted', worker: 'w-1', progress: { processed: 10, total: 10, eventsPerSecond: 5, etaMs: 0 } }, 4_000);
    await store.apply('r-1', { kind: 'Restarted', worker: 'w-1' }, 5_000);
    expect(await store.history('r-1')).toEqual([
      { phase: 'Requested', at: 1_000 },
      { phase: 'Stopping', at: 1_000 },
      { phase: 'Rebuilding', at: 2_000 },
      { phase: 'Restarting', at: 4_000 },
      { phase: 'Completed', at: 5_000 },
    ]);
    expect(await store.get('r-1')).toMatchObject({ phase: 'Completed', progress: { processed: 10, total: 10 } });
    expect(await store.active()).toEqual([]);
  });

  it('creates exactly one run when many requests for a projection race, and names it to the others', async () => {
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.request(request(`race-${i}`, 'ActiveProject'))));
    const created = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(created).toHaveLength(1);
    const winner = (created[0] as PromiseFulfilledResult<{ id: string }>).value.id;
    for (const r of rejected) {
      expect(r.reason).toBeInstanceOf(RebuildRejected);
      expect(r.reason).toMatchObject({ code: 'REBUILD_ALREADY_RUNNING', runningId: winner });
    }
    expect((await store.active()).map((run) => run.id)).toEqual([winner]);
  });

  it('refuses commands the machine refuses, and unknown runs, changing nothing', async () => {
    await store.request(request('r-2', 'CustomerView'));
    await expect(store.apply('r-2', { kind: 'Restarted', worker: 'w-1' })).rejects.toBeInstanceOf(RebuildRejected);
    await expect(store.apply('nope', { kind: 'Cancel' })).rejects.toThrow(RangeError);
    expect(await store.get('r-2')).toMatchObject({ phase: 'Stopping' });
  });
});
