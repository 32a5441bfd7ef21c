import { Context, context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { isTracing } from '../tracing-switch';

/** AMQP message headers as amqplib gives and takes them. */
export type MessageHeaders = Record<string, unknown>;

/** The current trace context as message headers (`traceparent`); empty when not tracing. */
export function traceHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  if (isTracing()) propagation.inject(context.active(), headers);
  return headers;
}

/** Runs `work` in the trace context carried by a message's headers (the sender's span as parent). */
export function withHeadersContext<T>(headers: MessageHeaders | undefined, work: () => T): T {
  if (!isTracing() || !headers) return work();
  const carrier: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    // amqplib hands string headers back as Buffers when they were sent as long strings.
    if (typeof value === 'string') carrier[key] = value;
    else if (Buffer.isBuffer(value)) carrier[key] = value.toString('utf8');
  }
  const parent: Context = propagation.extract(ROOT_CONTEXT, carrier);
  return context.with(parent, work);
}
