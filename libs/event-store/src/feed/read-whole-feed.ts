import { EventStore } from '../model/event-store.port';
import { FEED_START, FeedCursor } from '../model/feed-cursor';
import { RecordedEvent } from '../model/recorded-event';

export interface ReadWholeFeedOptions {
  readonly pageSize?: number;
  /** How long to wait for events committed before the call that an open transaction still hides; default 10 s. */
  readonly settleTimeoutMs?: number;
}

/**
 * Every event committed before the call, in feed order, page by page: for tools, reports and
 * reference folds. Events that an older open transaction elsewhere in the cluster still hides
 * (`pending`) are waited for, so the result never silently lacks the newest commits.
 */
export async function readWholeFeed(store: Pick<EventStore, 'readAll'>, options: ReadWholeFeedOptions = {}): Promise<RecordedEvent[]> {
  const { pageSize = 5_000, settleTimeoutMs = 10_000 } = options;
  const deadline = Date.now() + settleTimeoutMs;
  const events: RecordedEvent[] = [];
  let cursor: FeedCursor = FEED_START;
  for (;;) {
    const page = await store.readAll({ after: cursor, limit: pageSize });
    for (const event of page.events) events.push(event);
    cursor = page.next;
    if (page.caughtUp && !page.pending) return events;
    if (page.caughtUp) {
      if (Date.now() > deadline) throw new Error(`the feed stayed pending for ${settleTimeoutMs} ms: a transaction is held open`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
