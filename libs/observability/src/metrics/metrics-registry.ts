import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * The process's metrics: one registry, because a scrape describes one process. Counters that code
 * anywhere in the process moves (ops-counters.ts) and the HTTP histogram live here; objects whose
 * gauges read their own state (the daemon's) keep a registry of their own, added to the scrape
 * with MetricsEndpoint.include, so two of them in one test process never collide.
 */
export const metricsRegistry = new Registry();

/** The Prometheus text format's content type, as prom-client writes it. */
export const METRICS_CONTENT_TYPE = metricsRegistry.contentType;

let processMetricsOn = false;

/** CPU, memory, event-loop lag, GC, handles, open file descriptors: prom-client's defaults, once per process. */
export function collectProcessMetrics(): void {
  if (processMetricsOn) return;
  processMetricsOn = true;
  collectDefaultMetrics({ register: metricsRegistry });
}

/** The text of one scrape: the process registry and the given ones (their metric names must differ). */
export async function renderMetrics(extra: readonly Registry[] = []): Promise<string> {
  if (extra.length === 0) return metricsRegistry.metrics();
  return Registry.merge([metricsRegistry, ...extra]).metrics();
}
