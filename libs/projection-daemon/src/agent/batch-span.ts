import { RecordedEvent } from '@projectionist/event-store';
import { inSpan, isTracing, Link, linkFromMetadata, SpanKind } from '@projectionist/tracing';
import { ProjectionTarget } from '../storage/projection-target';

/** A batch links at most this many of the appends it applies (the first ones): enough to follow a write. */
export const MAX_BATCH_LINKS = 32;

/**
 * The appends a batch applies, as span links read from the events' metadata (`traceparent`,
 * written on append). Created only while tracing: untraced, a batch holds none and its events
 * are not looked at.
 */
export class BatchLinks {
  readonly links: Link[] = [];
  /** The events of one append share its span: one link each. */
  private readonly spans = new Set<string>();

  static create(): BatchLinks | undefined {
    return isTracing() ? new BatchLinks() : undefined;
  }

  static of(events: readonly RecordedEvent[]): BatchLinks | undefined {
    const batch = BatchLinks.create();
    if (batch) for (const event of events) batch.add(event);
    return batch;
  }

  add(event: RecordedEvent): void {
    if (this.links.length >= MAX_BATCH_LINKS) return;
    const link = linkFromMetadata(event.metadata);
    if (!link || this.spans.has(link.context.spanId)) return;
    this.spans.add(link.context.spanId);
    this.links.push(link);
  }
}

/** One commit of a projection batch as a span linked to the appends it applies. */
export function inBatchSpan<T>(target: ProjectionTarget, count: number, links: BatchLinks | undefined, work: () => Promise<T>): Promise<T> {
  const attributes = {
    'projectionist.projection': target.projection.name,
    'projectionist.projection_version': target.projection.version,
    'projectionist.slot': target.slot,
    'projectionist.event_count': count,
  };
  return inSpan('projection batch', { kind: SpanKind.CONSUMER, attributes, links: links?.links }, work);
}
