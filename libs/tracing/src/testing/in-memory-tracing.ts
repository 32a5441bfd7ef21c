import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { markTracingStarted, markTracingStopped } from '../tracing-switch';

export interface InMemoryTracing {
  readonly exporter: InMemorySpanExporter;
  stop(): Promise<void>;
}

/**
 * Traces this process into memory, for specs of the code that makes spans: the same switch the
 * apps' SDK turns on, with every finished span kept in `exporter`. Stop it after the spec.
 */
export function startInMemoryTracing(): InMemoryTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  // The apps' registration: AsyncLocalStorage context and W3C trace context propagation.
  provider.register();
  markTracingStarted();
  return {
    exporter,
    async stop() {
      markTracingStopped();
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}
