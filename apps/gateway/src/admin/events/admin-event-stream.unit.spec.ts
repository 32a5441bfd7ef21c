import { EventEmitter } from 'node:events';
import type { NodeRegistry } from '@projectionist/cluster-nodes';
import type { ProjectionStatusReader } from '@projectionist/projection-daemon/status';
import type { RebuildRunStorePort } from '@projectionist/rebuild-coordinator';
import type { RebuildBoardPort } from '@projectionist/shared-cache';
import { AdminEventStream, StreamClient } from './admin-event-stream';

/** Reads that finish when the test says, like ones behind a slow database. */
class Gate {
  private opens: (() => void)[] = [];
  wait(): Promise<void> {
    return new Promise((resolve) => this.opens.push(resolve));
  }
  openAll(): void {
    for (const open of this.opens.splice(0)) open();
  }
}

const client = (): StreamClient => ({ send: jest.fn(), end: jest.fn() });

describe('AdminEventStream', () => {
  let gate: Gate;
  let board: EventEmitter;
  let stream: AdminEventStream;
  beforeEach(() => {
    jest.useFakeTimers();
    gate = new Gate();
    board = new EventEmitter();
    const runs = { list: async () => [] } as unknown as RebuildRunStorePort;
    const nodes = { list: async () => [] } as unknown as NodeRegistry;
    const projections = { list: async () => (await gate.wait(), []) } as unknown as ProjectionStatusReader;
    stream = new AdminEventStream(runs, nodes, board as unknown as RebuildBoardPort, projections);
  });
  afterEach(() => {
    stream.beforeApplicationShutdown();
    jest.useRealTimers();
  });

  it('runs one loop for clients that subscribe at the same moment, and stops it when the last one leaves', async () => {
    const subscribing = [stream.subscribe(client()), stream.subscribe(client())];
    gate.openAll();
    const leave = await Promise.all(subscribing);
    expect(jest.getTimerCount()).toBe(1);
    expect(board.listenerCount('changed')).toBe(1);
    for (const unsubscribe of leave) unsubscribe();
    expect(jest.getTimerCount()).toBe(0);
    expect(board.listenerCount('changed')).toBe(0);
  });

  it('keeps the loop for a client still subscribing when another one leaves', async () => {
    const first = stream.subscribe(client());
    gate.openAll();
    const leaveFirst = await first;
    const second = stream.subscribe(client());
    leaveFirst();
    gate.openAll();
    const leaveSecond = await second;
    expect(jest.getTimerCount()).toBe(1);
    expect(board.listenerCount('changed')).toBe(1);
    leaveSecond();
    expect(jest.getTimerCount()).toBe(0);
  });
});
