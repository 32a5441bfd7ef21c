import type { IncomingMessage, ServerResponse } from 'node:http';
import { observeHttpRequest } from '../metrics/http-metrics';
import { requestIdFrom, runInRequest } from './request-context';

export const REQUEST_ID_HEADER = 'x-request-id';
const OBSERVED = Symbol('observed request id');
type ObservedRequest = IncomingMessage & { [OBSERVED]?: string };

export interface RequestLogger {
  log(message: object, context?: string): void;
  debug?(message: object, context?: string): void;
}

export interface RequestObserverOptions {
  readonly logger: RequestLogger;
  /** The route pattern that served the request (e.g. `/api/cars/:id`), read once the answer is sent. */
  readonly routeOf: (req: IncomingMessage) => string;
}

// Probes and scrapes come every few seconds from every replica: logged at debug, so the access
// log shows the traffic that matters.
const QUIET_PATHS = /^\/(health(\/.*)?|metrics)$/;

/**
 * What every HTTP request gets, whatever the server: a request id (the caller's `X-Request-Id`
 * or a new one) returned in the answer and present in every log line written while handling it,
 * one access log line, and the duration histogram by route and status. `next` runs inside the
 * request's context. Observing a request again only enters its context again: a server observes
 * it first (so that answers of its body parser are counted too) and again after parsing the body,
 * whose stream events do not carry the context through.
 */
export function observeRequest(req: ObservedRequest, res: ServerResponse, options: RequestObserverOptions, next: () => void): void {
  const known = req[OBSERVED];
  if (known !== undefined) return runInRequest(known, next);
  const started = process.hrtime.bigint();
  const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
  req[OBSERVED] = requestId;
  res.setHeader('X-Request-Id', requestId);
  res.once('finish', () => done(false));
  // A client that went away before the answer was complete (e.g. a closed event stream).
  res.once('close', () => done(!res.writableFinished));
  let reported = false;
  const done = (aborted: boolean) => {
    if (reported) return;
    reported = true;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const route = options.routeOf(req);
    const method = req.method ?? 'GET';
    observeHttpRequest({ method, route, status: res.statusCode, seconds });
    const path = (req.url ?? '/').split('?')[0];
    const line = { msg: 'request', method, path, route, status: res.statusCode, durationMs: Math.round(seconds * 1e4) / 10, ...(aborted ? { aborted } : {}) };
    // The answer's events may fire outside the request's context: the id is set again here.
    runInRequest(requestId, () => {
      if (QUIET_PATHS.test(path) && options.logger.debug) options.logger.debug(line, 'Http');
      else options.logger.log(line, 'Http');
    });
  };
  runInRequest(requestId, next);
}
