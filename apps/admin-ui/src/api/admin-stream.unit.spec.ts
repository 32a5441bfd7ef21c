import { AdminApi, AdminApiError } from './admin-api';
import { followAdminStream, StreamStatus } from './admin-stream';

/** A stream body that sends the given chunks, then ends (as a dropped connection would). */
const body = (...chunks: string[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('followAdminStream', () => {
  it('delivers events, reconnects after the stream drops or the gateway fails, and stops when closed', async () => {
    const opens: string[] = [];
    const answers = [
      () => body('event: node\ndata: {"n":1}\n', '\n'),
      () => Promise.reject(new Error('gateway restarting')),
      () => body('event: node\ndata: {"n":2}\n\n'),
    ];
    const api = { openStream: async () => (opens.push('open'), (answers.shift() ?? (() => new Promise<never>(() => undefined)))()) } as unknown as AdminApi;
    const received: unknown[] = [];
    const statuses: StreamStatus[] = [];
    const close = followAdminStream(api, { onMessages: (m) => received.push(...m.map((x) => x.data)), onStatus: (s) => statuses.push(s) });
    await until(() => received.length === 2 && opens.length === 4);
    close();
    expect(received).toEqual([{ n: 1 }, { n: 2 }]);
    expect(statuses.slice(0, 4)).toEqual(['connecting', 'live', 'reconnecting', 'reconnecting']);
    expect(statuses).toContain('live');
  });

  it('stops for good on 401 and says so', async () => {
    let opens = 0;
    const api = { openStream: async () => (opens++, Promise.reject(new AdminApiError(401, { error: 'UNAUTHORIZED' }, undefined))) } as unknown as AdminApi;
    const statuses: StreamStatus[] = [];
    followAdminStream(api, { onMessages: () => undefined, onStatus: (s) => statuses.push(s) });
    await until(() => statuses.includes('unauthorized'));
    await new Promise((r) => setTimeout(r, 700));
    expect(opens).toBe(1);
    expect(statuses).toEqual(['connecting', 'unauthorized']);
  });
});
