import { Link, SpanContext, TraceFlags } from '@opentelemetry/api';

/**
 * The trace context an event carries in its metadata: `traceparent` in the W3C format (the trace
 * and the append's span) and a `correlationId`, the trace id unless the writer gave one. Plain
 * strings beside the existing keys, so older events, readers and upcasters see nothing new.
 */
export interface TraceMetadata {
  readonly traceparent: string;
  readonly correlationId: string;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const INVALID_TRACE = '00000000000000000000000000000000';
const INVALID_SPAN = '0000000000000000';

export function traceMetadataOf(span: SpanContext): TraceMetadata {
  const flags = (span.traceFlags & TraceFlags.SAMPLED).toString(16).padStart(2, '0');
  return { traceparent: `00-${span.traceId}-${span.spanId}-${flags}`, correlationId: span.traceId };
}

/** The link to the span that appended an event, from its metadata; undefined for untraced events. */
export function linkFromMetadata(metadata: Readonly<Record<string, unknown>> | undefined): Link | undefined {
  const value = metadata?.traceparent;
  if (typeof value !== 'string') return undefined;
  const match = TRACEPARENT.exec(value);
  if (!match || match[1] === INVALID_TRACE || match[2] === INVALID_SPAN) return undefined;
  return { context: { traceId: match[1], spanId: match[2], traceFlags: parseInt(match[3], 16), isRemote: true } };
}
