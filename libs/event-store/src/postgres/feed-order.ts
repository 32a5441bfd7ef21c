import { RecordedEvent } from '../model/recorded-event';

/** The events in feed order (transaction_id, position): as given when they already are. */
export function inFeedOrder(events: RecordedEvent[]): RecordedEvent[] {
  for (let i = 1; i < events.length; i++) {
    const a = events[i - 1];
    const b = events[i];
    if (a.transactionId > b.transactionId || (a.transactionId === b.transactionId && a.position > b.position)) {
      return [...events].sort((x, y) => x.transactionId - y.transactionId || x.position - y.position);
    }
  }
  return events;
}
