import type { RecordedEvent } from '@projectionist/event-store';

/**
 * The versions up to which each stream's events are the reactor's own writes, as its handler
 * reported them: those events are dropped when they arrive, never handed to the handler. Kept
 * in memory only: after a restart they are handed over once more, which idempotent handlers
 * shrug off (they decide from the stream's state, which already holds their writes).
 */
export class StreamSkips {
  private readonly upTo = new Map<string, number>();

  /** Remembers that the stream's events up to `version` need no call. */
  skipUpTo(streamId: string, version: number): void {
    if (version > (this.upTo.get(streamId) ?? 0)) this.upTo.set(streamId, version);
  }

  /** True for an event the handler has already accounted for; forgets the stream once passed. */
  covers(event: Pick<RecordedEvent, 'streamId' | 'streamVersion'>): boolean {
    const upTo = this.upTo.get(event.streamId);
    if (upTo === undefined) return false;
    if (event.streamVersion >= upTo) this.upTo.delete(event.streamId);
    return event.streamVersion <= upTo;
  }
}

/** Groups a batch's events by stream, each stream's in stream order, streams in the order they first appear. */
export function groupByStream(events: readonly RecordedEvent[]): Map<string, RecordedEvent[]> {
  const streams = new Map<string, RecordedEvent[]>();
  for (const event of events) {
    const list = streams.get(event.streamId);
    if (list) list.push(event);
    else streams.set(event.streamId, [event]);
  }
  for (const list of streams.values()) list.sort((a, b) => a.streamVersion - b.streamVersion);
  return streams;
}

/** Runs `work` for every item with at most `limit` running at once; rejects with the first failure once all have settled. */
export async function forEachBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  if (failure) throw failure.error;
}
