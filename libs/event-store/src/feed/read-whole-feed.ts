import { EventStore } from '../model/event-store.port';
import { FEED_START, FeedCursor } from '../model/feed-cursor';
import { RecordedEvent } from '../model/recorded-event';

/** Every readable event in feed order, page by page: for tools, reports and reference folds. */
export async function readWholeFeed(store: Pick<EventStore, 'readAll'>, pageSize = 5_000): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  let cursor: FeedCursor = FEED_START;
  for (;;) {
    const page = await store.readAll({ after: cursor, limit: pageSize });
    for (const event of page.events) events.push(event);
    cursor = page.next;
    if (page.caughtUp) return events;
  }
}
