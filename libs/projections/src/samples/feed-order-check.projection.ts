import { sampleEventTypes } from '@projectionist/domain-events';
import { DocumentProjection } from '../model/projection-definition';

export interface FeedOrder {
  readonly transactionId: number;
  readonly position: number;
  readonly events: number;
}

/**
 * An audit projection over the whole feed, in one document: it fails on any event that does not
 * come after the last one it applied in feed order (transaction, then position), so an event
 * applied twice or out of order anywhere, by any node, stops it. StreamSequenceCheck guards each
 * stream; this one guards the feed as a whole, which is what two agents applying at once would
 * break first.
 */
export const feedOrderCheckProjection: DocumentProjection<FeedOrder> = {
  kind: 'document',
  name: 'FeedOrderCheck',
  version: 1,
  mode: 'async',
  eventTypes: sampleEventTypes,
  retry: { attempts: 1 },
  route: () => ({ ids: ['feed'] }),
  evolve: (doc, event) => {
    const after = !doc || event.transactionId > doc.transactionId || (event.transactionId === doc.transactionId && event.position > doc.position);
    if (!after) {
      throw new Error(`event at ${event.transactionId}/${event.position} after ${doc.transactionId}/${doc.position}: applied twice or out of order`);
    }
    return { transactionId: event.transactionId, position: event.position, events: (doc?.events ?? 0) + 1 };
  },
};
