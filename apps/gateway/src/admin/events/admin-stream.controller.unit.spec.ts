import { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';
import { AdminEventStream } from './admin-event-stream';
import { AdminStreamController } from './admin-stream.controller';

/** A stream whose first read takes as long as the test says, like one behind a slow database. */
class SlowStream {
  subscribers = 0;
  private finishRead: (() => void) | undefined;

  async subscribe(): Promise<() => void> {
    await new Promise<void>((resolve) => (this.finishRead = resolve));
    this.subscribers++;
    return () => void this.subscribers--;
  }

  get reading(): boolean {
    return this.finishRead !== undefined;
  }

  finishFirstRead(): void {
    this.finishRead?.();
  }
}

function fakeResponse(): Response {
  return { writeHead: jest.fn(), write: jest.fn(() => true), end: jest.fn() } as unknown as Response;
}

describe('AdminStreamController', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('releases the subscription and the keep-alive timer of a client that leaves while its first read runs', async () => {
    const stream = new SlowStream();
    const request = new EventEmitter() as unknown as Request;
    const controller = new AdminStreamController(stream as unknown as AdminEventStream);

    const opening = controller.open(request, fakeResponse());
    expect(stream.reading).toBe(true);
    request.emit('close');
    stream.finishFirstRead();
    await opening;

    expect(stream.subscribers).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('keeps a client that stays subscribed, with its keep-alive, until it leaves', async () => {
    const stream = new SlowStream();
    const request = new EventEmitter() as unknown as Request;
    const response = fakeResponse();
    const opening = new AdminStreamController(stream as unknown as AdminEventStream).open(request, response);
    stream.finishFirstRead();
    await opening;
    expect(stream.subscribers).toBe(1);
    jest.advanceTimersByTime(15_000);
    expect(response.write).toHaveBeenLastCalledWith(': keep-alive\n\n');
    request.emit('close');
    expect(stream.subscribers).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });
});
