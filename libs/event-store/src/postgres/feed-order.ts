import { compareCursors } from '../model/feed-cursor';
import { RecordedEvent } from '../model/recorded-event';

/** The events in feed order (transaction_id, position): as given when they already are. */
export function inFeedOrder(events: RecordedEvent[]): RecordedEvent[] {
  for (let i = 1; i < events.length; i++) {
    if (compareCursors(events[i - 1], events[i]) > 0) return [...events].sort(compareCursors);
  }
  return events;
}
