import { createServer, IncomingMessage, request as httpRequest, Server, ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LoggerService } from '@nestjs/common';
import { collectProcessMetrics, METRICS_CONTENT_TYPE, observeRequest, renderMetrics } from '@projectionist/observability';
import { loadStaticFiles, StaticFile } from './static-files';

export interface AdminUiServerOptions {
  readonly port: number;
  /** Origin of the gateway, e.g. http://127.0.0.1:3000. */
  readonly gatewayUrl: string;
  /** The Vite build output (index.html and assets/). */
  readonly publicDir: string;
  readonly logger: LoggerService;
}

/** Forwarded to the gateway: the API (with its server-sent events) and its documentation. */
const PROXIED_PREFIXES = ['/api/', '/docs'];
// Hop-by-hop headers belong to one connection and must not be forwarded (RFC 9110, 7.6.1).
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host']);
const SECURITY_HEADERS = {
  // React sets the progress bar's width as an inline style; scripts come from this origin only.
  'Content-Security-Policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/**
 * Serves the admin UI and forwards `/api` and `/docs` to the gateway, so the browser talks to
 * one origin (no CORS, and the admin token goes only where the page itself came from).
 */
export function startAdminUiServer(options: AdminUiServerOptions): Promise<Server> {
  const files = loadStaticFiles(options.publicDir);
  const gateway = new URL(options.gatewayUrl);
  collectProcessMetrics();
  const observer = { logger: options.logger, routeOf: (req: IncomingMessage) => routeOf(pathOf(req), files) };
  const server = createServer((req, res) =>
    observeRequest(req, res, observer, () => {
      const path = pathOf(req);
      if (path === '/health' || path === '/health/ready') return health(res, gateway);
      if (path === '/health/live') return json(res, 200, { status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
      if (path === '/metrics') return void renderMetrics().then((text) => res.writeHead(200, { 'Content-Type': METRICS_CONTENT_TYPE }).end(text));
      if (isProxied(path)) return proxy(req, res, gateway, options.logger);
      serveFile(req, res, files, path);
    }),
  );
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, () => resolve(server));
  });
}

const pathOf = (req: IncomingMessage) => (req.url ?? '/').split('?')[0];
const isProxied = (path: string) => PROXIED_PREFIXES.some((p) => path === p.replace(/\/$/, '') || path.startsWith(p));
const json = (res: ServerResponse, status: number, body: object) => void res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));

/** The histogram's route label: what served the request, never the raw path (one series per URL). */
function routeOf(path: string, files: Map<string, StaticFile>): string {
  if (['/health', '/health/live', '/health/ready', '/metrics'].includes(path)) return path;
  if (path.startsWith('/api/')) return '/api/*';
  if (isProxied(path)) return '/docs*';
  if (path.startsWith('/assets/')) return files.has(path) ? '/assets/*' : '(unmatched)';
  return '/*';
}

function serveFile(req: IncomingMessage, res: ServerResponse, files: Map<string, StaticFile>, path: string): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('Method not allowed');
    return;
  }
  // A path without a file (a screen's address) gets the app; a missing asset is a real 404.
  const file = files.get(path) ?? (path.startsWith('/assets/') ? undefined : files.get('/index.html'));
  if (!file) {
    res.writeHead(404, { 'Content-Type': 'text/plain', ...SECURITY_HEADERS }).end('Not found');
    return;
  }
  const gzip = file.gzipped !== undefined && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const body = gzip ? file.gzipped! : file.body;
  res.writeHead(200, {
    'Content-Type': file.type,
    'Content-Length': body.length,
    'Cache-Control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    Vary: 'Accept-Encoding',
    ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
    ...SECURITY_HEADERS,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function proxy(req: IncomingMessage, res: ServerResponse, gateway: URL, logger: LoggerService): void {
  const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !HOP_BY_HOP.has(name)));
  const send = gateway.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstream = send(
    { protocol: gateway.protocol, hostname: gateway.hostname, port: gateway.port, method: req.method, path: req.url, headers: { ...headers, 'x-forwarded-host': req.headers.host ?? '' } },
    (answer) => {
      const out = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !HOP_BY_HOP.has(name)));
      res.writeHead(answer.statusCode ?? 502, out);
      // Server-sent events must reach the browser as they come, not when a buffer fills.
      res.flushHeaders();
      answer.pipe(res);
    },
  );
  upstream.on('error', (error) => {
    logger.warn({ msg: 'gateway unreachable', gateway: gateway.origin, path: req.url, error: error.message }, 'Proxy');
    if (!res.headersSent) {
      res.writeHead(502, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ statusCode: 502, error: 'GATEWAY_UNREACHABLE', message: `The gateway at ${gateway.origin} did not answer: ${error.message}` }));
    } else res.destroy();
  });
  // The browser went away (e.g. a closed stream): close the upstream request with it.
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
}

/**
 * /health and /health/ready: 200 while this server runs; says whether the gateway answers,
 * without failing on it: the page itself is served either way and says when the API is down.
 */
function health(res: ServerResponse, gateway: URL): void {
  fetch(new URL('/health', gateway), { signal: AbortSignal.timeout(2000) })
    .then((r) => (r.ok ? 'up' : `answered ${r.status}`))
    .catch((e: Error) => `unreachable (${e.message})`)
    .then((state) => json(res, 200, { status: 'ok', gateway: { url: gateway.origin, state } }));
}
