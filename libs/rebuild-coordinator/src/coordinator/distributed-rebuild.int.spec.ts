import { createEventStorePool, PostgresEventStore, runMigrations } from '@projectionist/event-store';
import { AmqpBroker } from '@projectionist/messaging';
import { rebuildMessage, topologyFor } from '@projectionist/messaging-contracts';
import { DaemonLock, PROJECTION_DAEMON_MIGRATIONS, ProjectionDaemon } from '@projectionist/projection-daemon';
import { activeProjectProjection } from '@projectionist/projections';
import { createTestNamespace, createTestVhost, TestNamespace, TestVhost, waitFor } from '@projectionist/testing';
import type { RebuildMode } from '@projectionist/rebuild-state';
import { Pool } from 'pg';
import { REBUILD_COORDINATOR_MIGRATIONS } from '../migrations';
import { RebuildRunStore } from '../runs/rebuild-run-store';
import { coordinatorWithMessages, executorWithMessages } from '../testing/with-messages';

/** Every one of them feeds ActiveProject. */
const EVENTS = 50;
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** Coordinator, worker and broker in one process, on the real PostgreSQL and RabbitMQ. */
describe('distributed rebuild through the coordinator', () => {
  let db: TestNamespace;
  let vhost: TestVhost;
  let pool: Pool;
  let store: RebuildRunStore;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    db = await createTestNamespace('coordinator');
    vhost = await createTestVhost('coordinator');
    await runMigrations({ databaseUrl: db.databaseUrl, namespace: db.namespace, extraMigrations: [...PROJECTION_DAEMON_MIGRATIONS, ...REBUILD_COORDINATOR_MIGRATIONS] });
    pool = createEventStorePool({ connectionString: db.databaseUrl, max: 10 });
    store = new RebuildRunStore(pool, db.namespace, { leaseTimeoutMs: 1_500 });
    const events = new PostgresEventStore({ pool, namespace: db.namespace });
    for (let i = 0; i < EVENTS; i++) await events.append(`project-${i % 5}`, [{ type: 'CommitPushed', data: { userName: 'u', additions: 1, deletions: 0 } }]);

    const broker = async (nodeId: string) => {
      const b = new AmqpBroker({ url: vhost.url, topology: topologyFor(db.namespace), nodeId, reconnectDelayMs: 100 });
      b.on('error', () => undefined);
      await b.start();
      closers.push(() => b.close());
      return b;
    };
    const { coordinator, close } = await coordinatorWithMessages({ store, broker: await broker('coord-1'), lock: new DaemonLock(db.databaseUrl, db.namespace, 'coord-1', 'coordinator'), nodeId: 'coord-1', logger: silent, tickMs: 200 });
    coordinator.start();
    closers.push(close);
    daemon = new ProjectionDaemon({ pool, store: events, namespace: db.namespace, nodeId: 'worker-1', projections: [activeProjectProjection], logger: silent });
    await daemon.start(new Map([[activeProjectProjection.name, await daemon.storage.fence.claim(activeProjectProjection.name, 'worker-1')]]));
    closers.push(() => daemon.stop());
    closers.push((await executorWithMessages({ broker: await broker('worker-1'), daemon, nodeId: 'worker-1', heartbeatMs: 200 })).close);
    gateway = await broker('gateway-1');
  });
  let gateway: AmqpBroker;
  let daemon: ProjectionDaemon;
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await pool.end();
    await db.drop();
    await vhost.drop();
  });

  const requestRebuild = async (id: string, projection: string, mode = 'blocking' as RebuildMode) => {
    const run = await store.request({ kind: 'Request', id, projection, mode });
    await gateway.sendCommand(rebuildMessage('RequestRebuild', { runId: run.id, projection, mode }, 'gateway-1'));
  };

  it('runs a requested rebuild to Completed on the active worker, every phase recorded', async () => {
    await requestRebuild('run-1', 'ActiveProject');
    const done = await waitFor('run completed', async () => {
      const run = await store.get('run-1');
      return run?.phase === 'Completed' || run?.phase === 'Failed' ? run : undefined;
    });
    expect(done).toMatchObject({ phase: 'Completed', worker: 'worker-1' });
    expect((await store.history('run-1')).map((h) => h.phase)).toEqual(['Requested', 'Stopping', 'Rebuilding', 'Restarting', 'Completed']);
  });

  it('stores the final count with a completed run, not its last periodic progress', async () => {
    await requestRebuild('run-3', 'ActiveProject');
    const done = await waitFor('run completed', async () => {
      const run = await store.get('run-3');
      return run?.phase === 'Completed' || run?.phase === 'Failed' ? run : undefined;
    });
    expect(done).toMatchObject({ phase: 'Completed', progress: { processed: EVENTS, total: EVENTS, etaMs: 0 } });
  });

  it('fails a run for a projection no worker has, with the reason', async () => {
    await requestRebuild('run-2', 'NoSuchProjection');
    const failed = await waitFor('run failed', async () => {
      const run = await store.get('run-2');
      return run?.phase === 'Failed' ? run : undefined;
    });
    expect(failed.failure?.reason).toContain('No async projection named NoSuchProjection');
  });

  it('fails a run in a mode the worker cannot run, saying so, instead of rebuilding it another way', async () => {
    // A mode this version does not know, as a newer gateway could record it.
    await requestRebuild('run-4', 'ActiveProject', 'sideways' as RebuildMode);
    const failed = await waitFor('run failed', async () => {
      const run = await store.get('run-4');
      return run && !['Requested', 'Stopping'].includes(run.phase) ? run : undefined;
    });
    expect(failed).toMatchObject({ phase: 'Failed', failure: { reason: expect.stringContaining('cannot rebuild in mode "sideways"') } });
  });

  it('runs an online rebuild to Completed without a restart, with the pause of its switch', async () => {
    await requestRebuild('run-5', 'ActiveProject', 'online');
    const done = await waitFor('run completed', async () => {
      const run = await store.get('run-5');
      return run?.phase === 'Completed' || run?.phase === 'Failed' ? run : undefined;
    });
    expect(done).toMatchObject({ phase: 'Completed', mode: 'online', worker: 'worker-1', progress: { processed: EVENTS, switchPauseMs: expect.any(Number) } });
    const phases = (await store.history('run-5')).map((h) => h.phase);
    expect(phases.filter((p) => p !== 'CatchingUp')).toEqual(['Requested', 'Building', 'Switching', 'Completed']);
  });

  it('leaves a run whose projection moved away between the answer and the start to the node holding it then, instead of failing it', async () => {
    const claimed = async () => new Map([[activeProjectProjection.name, await daemon.storage.fence.claim(activeProjectProjection.name, 'worker-1')]]);
    // The projection leaves this node right after it answered StartRebuild, as when agents are
    // being spread: its term ends, and the next one holds nothing.
    const answered = jest.spyOn(daemon, 'runsReadersOf').mockImplementationOnce(async (name) => {
      const readers = await ProjectionDaemon.prototype.runsReadersOf.call(daemon, name);
      await daemon.stop();
      await daemon.start(new Map());
      return readers;
    });
    try {
      await requestRebuild('run-6', 'ActiveProject');
      await waitFor('the worker answered, and lost the projection', () => answered.mock.calls.length > 0 && !daemon.owns('ActiveProject'));
      // Asked again every tick (200 ms), nobody holds it: the run waits instead of failing.
      await waitFor('two more asks', async () => answered.mock.calls.length >= 3, { timeoutMs: 5_000 });
      expect(await store.get('run-6')).toMatchObject({ phase: 'Stopping', worker: null });
      // The projection's next holder (this node again, in a new term) answers the next ask.
      await daemon.stop();
      await daemon.start(await claimed());
      const done = await waitFor('run ended', async () => {
        const run = await store.get('run-6');
        return run?.phase === 'Completed' || run?.phase === 'Failed' ? run : undefined;
      });
      expect(done).toMatchObject({ phase: 'Completed', worker: 'worker-1', failure: null });
      expect((await store.history('run-6')).map((h) => h.phase)).toEqual(['Requested', 'Stopping', 'Rebuilding', 'Restarting', 'Completed']);
    } finally {
      answered.mockRestore();
    }
  });
});
