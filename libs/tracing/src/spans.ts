import { Attributes, context, Link, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace, Tracer } from '@opentelemetry/api';
import { isTracing } from './tracing-switch';

const TRACER_NAME = '@projectionist';

function tracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

export interface SpanOptions {
  readonly kind?: SpanKind;
  readonly attributes?: Attributes;
  readonly links?: readonly Link[];
  /** Start a new trace (with its links) instead of a child of the current span. */
  readonly root?: boolean;
}

/**
 * Runs `work` in a span of its own (the current span's child), ending it when `work` settles and
 * recording a failure. Not tracing, it only calls `work`: one boolean check.
 */
export async function inSpan<T>(name: string, options: SpanOptions, work: (span: Span | undefined) => Promise<T>): Promise<T> {
  if (!isTracing()) return work(undefined);
  const parent = options.root ? trace.deleteSpan(context.active()) : context.active();
  const span = tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes, links: options.links ? [...options.links] : undefined }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    span.end();
  }
}

/**
 * Starts a long-lived loop outside the current trace. A loop started while handling a message
 * (a rebuild restarting the projections) would otherwise make every statement it runs, for as
 * long as it runs, part of that message's trace.
 */
export function outsideTrace<T>(start: () => T): T {
  return isTracing() ? context.with(ROOT_CONTEXT, start) : start();
}
