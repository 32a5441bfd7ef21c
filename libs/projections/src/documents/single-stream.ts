import type { RecordedEvent } from '@projectionist/event-store';
import { DocumentProjection, ErrorPolicy, ProjectionMode, RetryPolicy } from '../model/projection-definition';

export interface SingleStreamOptions<TDoc> {
  readonly name: string;
  readonly version: number;
  readonly mode?: ProjectionMode;
  readonly eventTypes: readonly string[];
  readonly errorPolicy?: ErrorPolicy;
  readonly retry?: Partial<RetryPolicy>;
  /** The stream's document after the event; `undefined` when the stream has none yet. */
  evolve(doc: TDoc | undefined, event: RecordedEvent): TDoc | null;
}

/** An aggregate per stream: the document's id is the stream id. */
export function singleStreamProjection<TDoc>(options: SingleStreamOptions<TDoc>): DocumentProjection<TDoc> {
  return {
    kind: 'document',
    mode: 'async',
    ...options,
    singleStream: true,
    route: (event) => ({ ids: [event.streamId] }),
    evolve: (doc, event) => options.evolve(doc, event),
  };
}
