import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/** Probes and scrapes: frequent, uninteresting, and they would drown the requests that matter. */
const UNTRACED_PATHS = /^\/(health|metrics)(\/|\?|$)/;

/**
 * The official Node trace SDK, configured by the standard variables: the OTLP/HTTP exporter reads
 * `OTEL_EXPORTER_OTLP_*`, the provider `OTEL_TRACES_SAMPLER(_ARG)`, the batch processor `OTEL_BSP_*`,
 * the resource `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES`. Context travels as W3C
 * `traceparent` (the provider's default propagator).
 */
export function startNodeSdk(options: { readonly serviceName: string }): NodeTracerProvider {
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }).merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? '') }),
      new ExpressInstrumentation(),
      // Only statements inside a traced operation: the daemon's feed polls would otherwise each be a trace.
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => flushOnSignal(provider, signal));
  return provider;
}

/** Longest a stopping process waits for its last spans to reach the collector. */
const FLUSH_ON_STOP_MS = 2_000;

/**
 * Sends the spans still batched when the process is told to stop, beside the app's own shutdown
 * (Nest's hooks close the app and then end the process). Registered `once`, so it never keeps
 * a second signal from ending the process; alone on the signal, it ends the process itself.
 */
function flushOnSignal(provider: NodeTracerProvider, signal: NodeJS.Signals): void {
  const othersStop = process.listenerCount(signal) > 0;
  const timeout = new Promise((resolve) => setTimeout(resolve, FLUSH_ON_STOP_MS).unref());
  void Promise.race([provider.forceFlush().catch(() => undefined), timeout]).then(() => {
    if (!othersStop) process.kill(process.pid, signal);
  });
}

/** Sends the spans still batched and stops the SDK (an app's shutdown; tests that start it in-process). */
export async function stopNodeSdk(provider: NodeTracerProvider): Promise<void> {
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
}
