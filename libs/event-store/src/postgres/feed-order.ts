import { compareCursors } from '../model/feed-cursor';
import { RecordedEvent } from '../model/recorded-event';

/** The events in feed order (transaction_id, position): as given when they already are. */
export function inFeedOrder(events: RecordedEvent[]): RecordedEvent[] {
  for (let i = 1; i < events.length; i++) {
    // Compared here rather than with compareCursors: this runs for every event read, and the
    // shared function sees cursors of every shape, which makes its property reads slower.
    const a = events[i - 1];
    const b = events[i];
    if (a.transactionId > b.transactionId || (a.transactionId === b.transactionId && a.position > b.position)) {
      return [...events].sort(compareCursors);
    }
  }
  return events;
}
