/** @jest-environment node */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startAdminUiServer } from './admin-ui-server';

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };
const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const listen = (server: Server) => new Promise<Server>((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
const close = (server: Server) => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });

describe('admin UI server', () => {
  let publicDir: string;
  let gateway: Server;
  let ui: Server;
  const seen: { method: string; url: string; auth: string | undefined; body: string }[] = [];
  let releaseSecondEvent: () => void = () => undefined;

  beforeAll(async () => {
    publicDir = mkdtempSync(join(tmpdir(), 'admin-ui-'));
    mkdirSync(join(publicDir, 'assets'));
    writeFileSync(join(publicDir, 'index.html'), '<!doctype html><div id="root"></div>'.repeat(20));
    writeFileSync(join(publicDir, 'assets', 'index-abc.js'), 'console.log("app")');
    // Plays the gateway: echoes what it got, and streams server-sent events on demand.
    gateway = await listen(
      createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body });
          if (req.url === '/api/admin/stream') {
            res.writeHead(200, { 'Content-Type': 'text/event-stream' });
            res.write('event: node\ndata: {"n":1}\n\n');
            releaseSecondEvent = () => res.end('event: node\ndata: {"n":2}\n\n');
            return;
          }
          if (req.url === '/health') return void res.writeHead(200).end('{}');
          res.writeHead(418, { 'Content-Type': 'application/json', 'Retry-After': '5' }).end(JSON.stringify({ echoed: req.url }));
        });
      }),
    );
    ui = await startAdminUiServer({ port: 0, gatewayUrl: urlOf(gateway), publicDir, logger: silent });
  });
  afterAll(async () => {
    await close(ui);
    await close(gateway);
    rmSync(publicDir, { recursive: true, force: true });
  });

  it('serves the built page, compressed when asked, and the page for any screen address', async () => {
    const page = await fetch(urlOf(ui) + '/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const raw = await new Promise<Buffer>((resolve, reject) =>
      get(urlOf(ui) + '/nodes', { headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
        expect(res.headers['content-encoding']).toBe('gzip');
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks)));
      }).on('error', reject),
    );
    expect(gunzipSync(raw).toString()).toContain('<div id="root">');
    const asset = await fetch(urlOf(ui) + '/assets/index-abc.js');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(await asset.text()).toBe('console.log("app")');
  });

  it('answers 404 for a missing asset and 405 for a write to a page', async () => {
    expect((await fetch(urlOf(ui) + '/assets/nope.js')).status).toBe(404);
    expect((await fetch(urlOf(ui) + '/', { method: 'POST' })).status).toBe(405);
  });

  it('forwards /api with its method, body, token and the answer as it is', async () => {
    const answer = await fetch(urlOf(ui) + '/api/customers?x=1', { method: 'POST', headers: { Authorization: 'Bearer t', 'Content-Type': 'application/json' }, body: '{"name":"A"}' });
    expect(answer.status).toBe(418);
    expect(answer.headers.get('retry-after')).toBe('5');
    expect(await answer.json()).toEqual({ echoed: '/api/customers?x=1' });
    expect(seen.at(-1)).toEqual({ method: 'POST', url: '/api/customers?x=1', auth: 'Bearer t', body: '{"name":"A"}' });
  });

  it('passes server-sent events through as they come', async () => {
    const response = await fetch(urlOf(ui) + '/api/admin/stream');
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('{"n":1}');
    releaseSecondEvent();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value);
    expect(rest).toContain('{"n":2}');
  });

  it('reports its health and whether the gateway answers, and 502 for /api while the gateway is down', async () => {
    expect(await (await fetch(urlOf(ui) + '/health')).json()).toEqual({ status: 'ok', gateway: { url: urlOf(gateway), state: 'up' } });
    const orphan = await startAdminUiServer({ port: 0, gatewayUrl: 'http://127.0.0.1:1', publicDir, logger: silent });
    try {
      const answer = await fetch(urlOf(orphan) + '/api/admin/projections');
      expect(answer.status).toBe(502);
      expect(await answer.json()).toMatchObject({ error: 'GATEWAY_UNREACHABLE' });
      expect((await (await fetch(urlOf(orphan) + '/health')).json()).gateway.state).toMatch(/^unreachable/);
    } finally {
      await close(orphan);
    }
  });

  it('serves /metrics with process metrics and requests by route, never by raw path', async () => {
    await fetch(urlOf(ui) + '/api/customers?x=2', { method: 'POST', body: '{}' });
    await fetch(urlOf(ui) + '/some/screen');
    const metrics = await fetch(urlOf(ui) + '/metrics');
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const text = await metrics.text();
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);
    expect(text).toMatch(/^projectionist_http_request_duration_seconds_count\{method="POST",route="\/api\/\*",status_code="418"\} [1-9]/m);
    expect(text).toMatch(/^projectionist_http_request_duration_seconds_count\{method="GET",route="\/\*",status_code="200"\} [1-9]/m);
    expect(text).not.toContain('/some/screen');
  });

  it('answers liveness and readiness, and returns the request id it was given or made up', async () => {
    const live = await fetch(urlOf(ui) + '/health/live', { headers: { 'X-Request-Id': 'probe-1' } });
    expect(live.status).toBe(200);
    expect(live.headers.get('x-request-id')).toBe('probe-1');
    expect(await (await fetch(urlOf(ui) + '/health/ready')).json()).toMatchObject({ status: 'ok', gateway: { state: 'up' } });
    expect((await fetch(urlOf(ui) + '/')).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses to start without a built page', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'admin-ui-empty-'));
    try {
      expect(() => startAdminUiServer({ port: 0, gatewayUrl: urlOf(gateway), publicDir: empty, logger: silent })).toThrow(/no index.html/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
