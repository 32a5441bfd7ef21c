import { MessageEnvelope, rebuildMessage, RebuildMessages, RebuildMessageType, topologyFor } from '@projectionist/messaging-contracts';
import { InMemoryBroker, InMemoryBrokerServer } from '@projectionist/messaging/testing';
import type { RebuildMode, RebuildPhase, RebuildRun } from '@projectionist/rebuild-state';
import { InMemoryBoardServer, InMemoryRebuildBoard } from '@projectionist/shared-cache/testing';
import { waitFor } from '@projectionist/testing';
import { InMemoryRebuildRunStore } from '../runs/in-memory-rebuild-run-store';
import { coordinatorWithMessages } from '../testing/with-messages';
import { ElectionLock, RebuildCoordinator } from './rebuild-coordinator';

const LEASE_MS = 10_000;
const silent = { log: () => undefined, warn: () => undefined };

/** Always wins the election: leadership itself is DaemonLock's business, tested on PostgreSQL. */
const heldLock = (): ElectionLock => ({ tryAcquire: async () => true, check: async () => undefined, release: async () => undefined });

/**
 * The coordinator on the in-memory broker, board and run store, with no service running. The
 * worker is played by the test through the broker, so each step reads given/when/then.
 */
describe('RebuildCoordinator', () => {
  let now: number;
  let store: InMemoryRebuildRunStore;
  let brokers: InMemoryBrokerServer;
  let boards: InMemoryBoardServer;
  let gateway: InMemoryBroker;
  let worker: InMemoryBroker;
  let coordinatorBroker: InMemoryBroker;
  let gatewayBoard: InMemoryRebuildBoard;
  let coordinator: RebuildCoordinator;
  /** What the worker's control queue received. */
  let control: MessageEnvelope[];
  const closers: (() => Promise<void>)[] = [];

  const node = async (nodeId: string) => {
    const broker = new InMemoryBroker({ server: brokers, topology: topologyFor('unit'), nodeId });
    await broker.start();
    closers.push(() => broker.close());
    return broker;
  };

  beforeEach(async () => {
    now = 1_000_000;
    store = new InMemoryRebuildRunStore({ policy: { leaseTimeoutMs: LEASE_MS }, clock: () => now });
    [brokers, boards, control] = [new InMemoryBrokerServer(), new InMemoryBoardServer(), []];
    [gateway, worker, coordinatorBroker] = [await node('gateway-1'), await node('worker-1'), await node('coord-1')];
    await worker.consume('control', async (m) => void control.push(m));
    const durable = { fallback: () => store.snapshot(), version: () => store.version() };
    const coordinatorBoard = new InMemoryRebuildBoard({ server: boards, namespace: 'unit', ...durable });
    gatewayBoard = new InMemoryRebuildBoard({ server: boards, namespace: 'unit', ...durable, fallbackTtlMs: 0 });
    for (const board of [coordinatorBoard, gatewayBoard]) {
      await board.start();
      closers.push(() => board.close());
    }
    const started = await coordinatorWithMessages({ store, broker: coordinatorBroker, board: coordinatorBoard, lock: heldLock(), nodeId: 'coord-1', logger: silent, tickMs: 10 });
    coordinator = started.coordinator;
    coordinator.start();
    closers.push(started.close);
    await waitFor('leader', () => coordinator.isLeader);
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  // Given / when / then, in the words of the flow.
  const givenRequested = async (id: string, projection = 'ActiveProject', mode: RebuildMode = 'blocking') => {
    await store.request({ kind: 'Request', id, projection, mode });
    await gateway.sendCommand(rebuildMessage('RequestRebuild', { runId: id, projection, mode }, 'gateway-1'));
    // The worker only reports once asked, which the coordinator does after dispatching the run.
    await thenWorkerIsAsked('StartRebuild', id);
  };
  const workerReports = <T extends RebuildMessageType>(type: T, payload: RebuildMessages[T]) => worker.publishEvent(rebuildMessage(type, payload, 'worker-1'));
  const thenWorkerIsAsked = (type: 'StartRebuild' | 'AbortRebuild', runId: string) =>
    waitFor(`${type} for ${runId} at the worker`, () => control.some((m) => m.type === type && (m.payload as { runId: string }).runId === runId));
  const thenRunIs = (id: string, phase: RebuildPhase) =>
    waitFor(`${id} ${phase}`, async () => {
      const run = await store.get(id);
      return run?.phase === phase ? run : undefined;
    });
  const gatewaySees = (predicate: (active: RebuildRun[]) => boolean) => waitFor('the gateway board', async () => predicate(await gatewayBoard.active()));

  it('drives a requested run through start, progress and completion, recording every phase and sharing it with the gateways', async () => {
    await givenRequested('run-1');
    expect(control.find((m) => m.type === 'StartRebuild')?.payload).toEqual({ runId: 'run-1', projection: 'ActiveProject', mode: 'blocking' });
    await gatewaySees((active) => active[0]?.id === 'run-1');

    await workerReports('RebuildStarted', { runId: 'run-1', worker: 'worker-1' });
    await thenRunIs('run-1', 'Rebuilding');

    await workerReports('RebuildProgress', { runId: 'run-1', worker: 'worker-1', processed: 20, total: 50, eventsPerSecond: 100, etaMs: 300 });
    await waitFor('progress recorded', async () => (await store.get('run-1'))?.progress?.processed === 20);
    await gatewaySees((active) => active[0]?.progress?.processed === 20);

    await workerReports('RebuildCompleted', { runId: 'run-1', worker: 'worker-1', processed: 50, total: 50, eventsPerSecond: 120 });
    const done = await thenRunIs('run-1', 'Completed');
    expect(done).toMatchObject({ worker: 'worker-1', progress: { processed: 50, total: 50, eventsPerSecond: 120, etaMs: 0 }, failure: null });
    expect((await store.history('run-1')).map((h) => h.phase)).toEqual(['Requested', 'Stopping', 'Rebuilding', 'Restarting', 'Completed']);
    await gatewaySees((active) => active.length === 0);
  });

  it('asks the workers again for an online run whose worker went silent, and lets the next lease holder resume it', async () => {
    await givenRequested('run-12', 'ActiveProject', 'online');
    await workerReports('RebuildStarted', { runId: 'run-12', worker: 'worker-1' });
    await workerReports('RebuildProgress', { runId: 'run-12', worker: 'worker-1', processed: 30, total: 90, eventsPerSecond: 10, etaMs: 6_000, phase: 'catching-up' });
    await thenRunIs('run-12', 'CatchingUp');
    const asked = () => control.filter((m) => m.type === 'StartRebuild' && (m.payload as { runId: string }).runId === 'run-12').length;
    const before = asked();

    now += LEASE_MS;
    await waitFor('the worker lost', async () => (await store.get('run-12'))?.resumes?.length === 1);
    await waitFor('StartRebuild asked again', () => asked() > before);
    expect(await store.get('run-12')).toMatchObject({ phase: 'CatchingUp', worker: null, failure: null });

    // The other worker, holding the lease now, resumes it and completes it.
    const other = await node('worker-2');
    await other.publishEvent(rebuildMessage('RebuildStarted', { runId: 'run-12', worker: 'worker-2' }, 'worker-2'));
    await waitFor('resumed by worker-2', async () => (await store.get('run-12'))?.resumes?.[0]?.resumedBy === 'worker-2');
    await other.publishEvent(rebuildMessage('RebuildCompleted', { runId: 'run-12', worker: 'worker-2', processed: 90, total: 90, eventsPerSecond: 12, switchPauseMs: 5 }, 'worker-2'));
    const done = await thenRunIs('run-12', 'Completed');
    expect(done).toMatchObject({ worker: 'worker-2', resumes: [{ phase: 'CatchingUp', lostWorker: 'worker-1', processedAtLoss: 30, resumedBy: 'worker-2' }] });
  });

  it('hands a partitioned run\'s partitions to the workers once its owner took it, sums their progress, and hands a lost one out again', async () => {
    await store.request({ kind: 'Request', id: 'run-p', projection: 'CustomerView', mode: 'online', partitions: 2 });
    await gateway.sendCommand(rebuildMessage('RequestRebuild', { runId: 'run-p', projection: 'CustomerView', mode: 'online', partitions: 2 }, 'gateway-1'));
    await waitFor('StartRebuild with the partitions', () => control.some((m) => m.type === 'StartRebuild' && (m.payload as { partitions?: number }).partitions === 2));
    await workerReports('RebuildStarted', { runId: 'run-p', worker: 'worker-1' });
    // No worker list given: the owner builds every partition.
    const partitionsAsked = () => control.filter((m) => m.type === 'StartRebuildPartition').map((m) => m.payload as RebuildMessages['StartRebuildPartition']);
    await waitFor('both partitions handed out', () => partitionsAsked().length === 2);
    expect(partitionsAsked()).toEqual([
      { runId: 'run-p', projection: 'CustomerView', partition: 0, partitions: 2, worker: 'worker-1' },
      { runId: 'run-p', projection: 'CustomerView', partition: 1, partitions: 2, worker: 'worker-1' },
    ]);
    const partitionReport = (partition: number, processed: number, done = false) =>
      workerReports('RebuildPartitionProgress', { runId: 'run-p', worker: 'worker-1', partition, processed, total: 50, eventsPerSecond: 5, etaMs: done ? 0 : 100, done });
    await partitionReport(0, 50, true);
    await partitionReport(1, 20);
    await waitFor('the summed progress', async () => (await store.get('run-p'))?.progress?.processed === 70);

    // Partition 1's worker goes silent (the owner keeps reporting): it is handed out again, from its checkpoint.
    now += LEASE_MS;
    await workerReports('RebuildProgress', { runId: 'run-p', worker: 'worker-1', processed: 0, total: 100, eventsPerSecond: 0, etaMs: null, phase: 'building' });
    await waitFor('partition 1 handed out again', () => partitionsAsked().length === 3);
    expect(partitionsAsked()[2]).toMatchObject({ partition: 1 });
    expect((await store.get('run-p'))?.partitions?.map((p) => [p.done, p.losses])).toEqual([
      [true, 0],
      [false, 1],
    ]);
    await workerReports('RebuildPartitionFailed', { runId: 'run-p', worker: 'worker-1', partition: 1, reason: 'handler threw', eventPosition: 7 });
    await thenRunIs('run-p', 'Failed');
    await thenWorkerIsAsked('AbortRebuild', 'run-p');
  });

  it('drives an online run through its phases from the worker progress, without a restart, asking until a worker takes it', async () => {
    await givenRequested('run-11', 'ActiveProject', 'online');
    await thenRunIs('run-11', 'Building');
    const asked = () => control.filter((m) => m.type === 'StartRebuild' && (m.payload as { runId: string }).runId === 'run-11').length;
    await waitFor('StartRebuild asked again while no worker took it', () => asked() >= 3);
    expect(control.find((m) => m.type === 'StartRebuild')?.payload).toMatchObject({ mode: 'online' });

    await workerReports('RebuildStarted', { runId: 'run-11', worker: 'worker-1' });
    await waitFor('worker recorded', async () => (await store.get('run-11'))?.worker === 'worker-1');
    const progress = { runId: 'run-11', worker: 'worker-1', processed: 5, total: 9, eventsPerSecond: 10, etaMs: 400 };
    await workerReports('RebuildProgress', { ...progress, phase: 'catching-up', distanceToHead: 4 });
    await thenRunIs('run-11', 'CatchingUp');
    await gatewaySees((active) => active[0]?.progress?.distanceToHead === 4);
    await workerReports('RebuildProgress', { ...progress, phase: 'switching', distanceToHead: 0 });
    await thenRunIs('run-11', 'Switching');
    await workerReports('RebuildCompleted', { runId: 'run-11', worker: 'worker-1', processed: 9, total: 9, eventsPerSecond: 12, switchPauseMs: 15 });
    const done = await thenRunIs('run-11', 'Completed');
    expect(done.progress).toMatchObject({ processed: 9, switchPauseMs: 15 });
    expect((await store.history('run-11')).map((h) => h.phase)).toEqual(['Requested', 'Building', 'CatchingUp', 'Switching', 'Completed']);
    await gatewaySees((active) => active.length === 0);
  });

  it('fails a run whose worker stops renewing its lease, naming the worker', async () => {
    await givenRequested('run-2');
    await workerReports('RebuildStarted', { runId: 'run-2', worker: 'worker-1' });
    await thenRunIs('run-2', 'Rebuilding');

    // The worker goes silent; the next ticks find its lease run out.
    now += LEASE_MS + 1;
    const failed = await thenRunIs('run-2', 'Failed');
    expect(failed.failure?.reason).toContain('worker worker-1 stopped renewing its lease');
    await gatewaySees((active) => active.length === 0);
  });

  it('keeps a run whose worker keeps reporting, however long it takes', async () => {
    await givenRequested('run-3');
    await workerReports('RebuildStarted', { runId: 'run-3', worker: 'worker-1' });
    await thenRunIs('run-3', 'Rebuilding');
    for (let processed = 1; processed <= 3; processed++) {
      now += LEASE_MS - 1;
      await workerReports('RebuildProgress', { runId: 'run-3', worker: 'worker-1', processed, total: 3, eventsPerSecond: 1, etaMs: null });
      await waitFor('the heartbeat applied', async () => (await store.get('run-3'))?.progress?.processed === processed);
    }
    expect((await store.get('run-3'))?.phase).toBe('Rebuilding');
  });

  it('cancels a run on request and tells the workers to abort it', async () => {
    await givenRequested('run-4');
    await workerReports('RebuildStarted', { runId: 'run-4', worker: 'worker-1' });
    await thenRunIs('run-4', 'Rebuilding');

    await gateway.sendCommand(rebuildMessage('CancelRebuild', { runId: 'run-4' }, 'gateway-1'));
    await thenRunIs('run-4', 'Cancelled');
    await thenWorkerIsAsked('AbortRebuild', 'run-4');
    // A late report of the cancelled run changes nothing.
    await workerReports('RebuildProgress', { runId: 'run-4', worker: 'worker-1', processed: 9, total: 9, eventsPerSecond: 1, etaMs: 0 });
    await gatewaySees((active) => active.length === 0);
    expect((await store.history('run-4')).map((h) => h.phase)).toEqual(['Requested', 'Stopping', 'Rebuilding', 'Cancelled']);
  });

  it('records a worker failure with its reason and event position', async () => {
    await givenRequested('run-5');
    await workerReports('RebuildStarted', { runId: 'run-5', worker: 'worker-1' });
    await workerReports('RebuildFailed', { runId: 'run-5', worker: 'worker-1', reason: 'handler threw', eventPosition: 42 });
    const failed = await thenRunIs('run-5', 'Failed');
    expect(failed.failure).toEqual({ reason: 'handler threw', eventPosition: 42 });
  });

  it('applies the worker reports sent while its connection was down once it is back', async () => {
    await givenRequested('run-6');
    coordinatorBroker.goOffline();
    await workerReports('RebuildStarted', { runId: 'run-6', worker: 'worker-1' });
    await workerReports('RebuildCompleted', { runId: 'run-6', worker: 'worker-1', processed: 5, total: 5, eventsPerSecond: 5 });
    expect((await store.get('run-6'))?.phase).toBe('Stopping');
    coordinatorBroker.goOnline();
    await thenRunIs('run-6', 'Completed');
  });

  it('dispatches a run left Requested, whose RequestRebuild never came, once it is overdue', async () => {
    await store.request({ kind: 'Request', id: 'run-8', projection: 'ActiveProject', mode: 'blocking' });
    now += 10_000;
    await thenWorkerIsAsked('StartRebuild', 'run-8');
    await thenRunIs('run-8', 'Stopping');
  });

  it('keeps a withdrawn run from starting, and a dispatched one from being withdrawn', async () => {
    await store.request({ kind: 'Request', id: 'run-9', projection: 'ActiveProject', mode: 'blocking' });
    await store.apply('run-9', { kind: 'Withdraw' });
    await gateway.sendCommand(rebuildMessage('RequestRebuild', { runId: 'run-9', projection: 'ActiveProject', mode: 'blocking' }, 'gateway-1'));
    await givenRequested('run-10');
    expect(control.some((m) => (m.payload as { runId: string }).runId === 'run-9')).toBe(false);
    expect((await store.get('run-9'))?.phase).toBe('Cancelled');
    await expect(store.apply('run-10', { kind: 'Withdraw' })).rejects.toThrow(/is Stopping, not Requested/);
  });

  it('keeps driving runs while the shared board is down; the gateways then read the store', async () => {
    boards.goOffline();
    await givenRequested('run-7');
    await workerReports('RebuildStarted', { runId: 'run-7', worker: 'worker-1' });
    await thenRunIs('run-7', 'Rebuilding');
    expect((await gatewayBoard.active()).map((r) => r.phase)).toEqual(['Rebuilding']);
    boards.goOnline();
    await waitFor('board live', () => gatewayBoard.isLive);
    await workerReports('RebuildCompleted', { runId: 'run-7', worker: 'worker-1', processed: 1, total: 1, eventsPerSecond: 1 });
    await thenRunIs('run-7', 'Completed');
    await gatewaySees((active) => active.length === 0);
  });
});
