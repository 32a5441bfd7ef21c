/**
 * Whether this process traces, decided once from the standard OpenTelemetry variables: on only
 * when an OTLP endpoint is given and neither `OTEL_SDK_DISABLED` nor `OTEL_TRACES_EXPORTER=none`
 * turns it off. Off, no SDK is loaded and the product's code pays one boolean check per span site.
 */
export type TracingDecision = { readonly on: true; readonly endpoint: string } | { readonly on: false; readonly reason: string };

export function decideTracing(env: Readonly<Record<string, string | undefined>>): TracingDecision {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return { on: false, reason: 'OTEL_SDK_DISABLED is true' };
  const exporters = (env.OTEL_TRACES_EXPORTER ?? 'otlp').split(',').map((e) => e.trim().toLowerCase());
  if (exporters.includes('none')) return { on: false, reason: 'OTEL_TRACES_EXPORTER is none' };
  if (!exporters.includes('otlp')) return { on: false, reason: `OTEL_TRACES_EXPORTER "${env.OTEL_TRACES_EXPORTER}" is not supported (only otlp)` };
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return { on: false, reason: 'no OTEL_EXPORTER_OTLP_ENDPOINT' };
  return { on: true, endpoint };
}

let tracing = false;

/** True once the SDK has started in this process: the one check the product's span sites make. */
export function isTracing(): boolean {
  return tracing;
}

/** For startTracing (and the in-memory tracing of specs) only. */
export function markTracingStarted(): void {
  tracing = true;
}

/** For the in-memory tracing of specs: the apps never stop tracing once started. */
export function markTracingStopped(): void {
  tracing = false;
}
