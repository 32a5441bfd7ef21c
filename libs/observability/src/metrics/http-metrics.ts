import { Histogram } from 'prom-client';
import { metricsRegistry } from './metrics-registry';

/** Label for requests that matched no route: raw paths would make one series per URL ever asked for. */
export const UNMATCHED_ROUTE = '(unmatched)';

const duration = new Histogram<'method' | 'route' | 'status_code'>({
  name: 'projectionist_http_request_duration_seconds',
  help: 'HTTP requests by method, route pattern and status, from arrival to the last byte of the answer',
  labelNames: ['method', 'route', 'status_code'],
  // From a cached read (ms) to a write waiting on a lock or a read-your-writes wait (s).
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

export function observeHttpRequest(request: { method: string; route: string; status: number; seconds: number }): void {
  duration.observe({ method: request.method, route: request.route, status_code: String(request.status) }, request.seconds);
}
