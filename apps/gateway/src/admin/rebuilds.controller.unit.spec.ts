import type { AppConfig } from '@projectionist/config';
import type { MessageBroker } from '@projectionist/messaging';
import { BrokerClient, BrokerUnavailableError } from '@projectionist/messaging';
import { MessageEnvelope, REBUILD_MESSAGE_ROUTES } from '@projectionist/messaging-contracts';
import type { ProjectionStatusReader } from '@projectionist/projection-daemon/status';
import { InMemoryRebuildRunStore } from '@projectionist/rebuild-coordinator/testing';
import { InMemoryBoardServer, InMemoryRebuildBoard } from '@projectionist/shared-cache/testing';
import { ServiceUnavailableException } from '@nestjs/common';
import { RebuildsController } from './rebuilds.controller';

/** The broker says it is connected, then a send fails (or does what the test says). */
const broker = (send: (m: MessageEnvelope) => Promise<void>) => ({ status: 'connected', sendCommand: jest.fn(send) }) as unknown as MessageBroker & { sendCommand: jest.Mock };

describe('RebuildsController', () => {
  let store: InMemoryRebuildRunStore;
  let board: InMemoryRebuildBoard;
  const projections = { get: async () => ({ name: 'CarView' }) } as unknown as ProjectionStatusReader;
  const controller = (b: MessageBroker) => new RebuildsController({ nodeId: 'gw-1' } as AppConfig, b, new BrokerClient(b, REBUILD_MESSAGE_ROUTES), store, board, projections);

  beforeEach(async () => {
    store = new InMemoryRebuildRunStore();
    board = new InMemoryRebuildBoard({ server: new InMemoryBoardServer(), namespace: 'unit', fallback: () => store.snapshot(), version: () => store.version(), fallbackTtlMs: 0 });
    await board.start();
  });
  afterEach(() => board.close());

  it('records the run and sends RequestRebuild with its mode', async () => {
    const b = broker(async () => undefined);
    const { rebuildId } = await controller(b).request('CarView', { mode: 'blocking', partitions: 1 });
    expect(b.sendCommand.mock.calls[0][0]).toMatchObject({ type: 'RequestRebuild', payload: { runId: rebuildId, projection: 'CarView', mode: 'blocking' } });
    expect(await store.get(rebuildId)).toMatchObject({ phase: 'Requested', mode: 'blocking' });
  });

  it('records a partitioned online run of a single-stream projection and sends RequestRebuild with its partitions', async () => {
    const b = broker(async () => undefined);
    const { rebuildId } = await controller(b).request('CustomerView', { mode: 'online', partitions: 3 });
    expect(b.sendCommand.mock.calls[0][0]).toMatchObject({ type: 'RequestRebuild', payload: { runId: rebuildId, mode: 'online', partitions: 3 } });
    expect((await store.get(rebuildId))?.partitions?.map((p) => p.worker)).toEqual([null, null, null]);
  });

  it('refuses to partition a projection that is not single-stream with 409 naming why, recording nothing', async () => {
    const b = broker(async () => undefined);
    await expect(controller(b).request('CarView', { mode: 'online', partitions: 2 })).rejects.toMatchObject({
      status: 409,
      response: { error: 'NOT_SINGLE_STREAM', message: expect.stringContaining('CarView is not a single-stream projection') },
    });
    expect(await store.list()).toEqual([]);
    expect(b.sendCommand).not.toHaveBeenCalled();
  });

  it('withdraws a run it could not hand over and answers 503, so that nothing starts behind it', async () => {
    const refused = controller(broker(async () => Promise.reject(new BrokerUnavailableError('the channel closed'))));
    await expect(refused.request('CarView', { mode: 'blocking', partitions: 1 })).rejects.toBeInstanceOf(ServiceUnavailableException);
    const [run] = await store.list();
    expect(run).toMatchObject({ phase: 'Cancelled', history: [{ phase: 'Requested' }, { phase: 'Cancelled' }] });
    expect(await store.active()).toEqual([]);
  });

  it('answers 202 when the send failed but the coordinator had already taken the run over', async () => {
    // The confirm was lost, not the message: the coordinator dispatched the run meanwhile.
    const b = broker(async (m) => {
      await store.apply((m.payload as { runId: string }).runId, { kind: 'Dispatch' });
      throw new BrokerUnavailableError('the confirm was lost');
    });
    const { rebuildId } = await controller(b).request('CarView', { mode: 'blocking', partitions: 1 });
    expect(await store.get(rebuildId)).toMatchObject({ phase: 'Stopping' });
  });
});
