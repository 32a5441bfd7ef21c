import type { RecordedEvent } from '@projectionist/event-store';
import { DocumentProjection } from '../model/projection-definition';
import { DocumentBatch } from './document-batch';

/**
 * Live mode: folds events (e.g. one stream read on demand) into the documents they produce,
 * nothing stored. The same code path as the daemon's batches, so live and stored agree.
 */
export function foldDocuments<TDoc>(projection: DocumentProjection<TDoc>, events: readonly RecordedEvent[]): Map<string, TDoc> {
  const types = new Set(projection.eventTypes);
  const batch = new DocumentBatch<TDoc>(projection, new Map());
  for (const event of events) if (types.has(event.type)) batch.apply(event);
  return new Map(batch.changes().upserts.map((doc) => [doc.id, doc.data]));
}
