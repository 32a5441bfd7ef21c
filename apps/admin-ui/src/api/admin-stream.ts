import { AdminApi, AdminApiError } from './admin-api';
import { SseParser, StreamMessage } from './sse-parser';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'unauthorized';

export interface AdminStreamHandlers {
  /** Called with every batch of events read in one chunk (the first batch is the whole state). */
  readonly onMessages: (messages: StreamMessage[]) => void;
  readonly onStatus: (status: StreamStatus, detail?: string) => void;
}

const RETRY_MS = [500, 1000, 2000, 4000];

/**
 * Follows GET /api/admin/stream for as long as the page lives: reconnects with a growing delay
 * when the gateway or the network drops it, and stops for good on 401 (the token is wrong).
 * Returns the function that closes it.
 */
export function followAdminStream(api: AdminApi, handlers: AdminStreamHandlers): () => void {
  const controller = new AbortController();
  let attempt = 0;

  const run = async () => {
    while (!controller.signal.aborted) {
      handlers.onStatus(attempt === 0 ? 'connecting' : 'reconnecting');
      try {
        const body = await api.openStream(controller.signal);
        attempt = 0;
        handlers.onStatus('live');
        await read(body, handlers.onMessages);
      } catch (error) {
        if (controller.signal.aborted) return;
        if (error instanceof AdminApiError && error.status === 401) {
          handlers.onStatus('unauthorized', error.message);
          return;
        }
        handlers.onStatus('reconnecting', (error as Error).message);
      }
      if (controller.signal.aborted) return;
      await delay(RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)], controller.signal);
    }
  };
  void run();
  return () => controller.abort();
}

async function read(body: ReadableStream<Uint8Array>, onMessages: (m: StreamMessage[]) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    const messages = parser.push(decoder.decode(value, { stream: true }));
    if (messages.length > 0) onMessages(messages);
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
