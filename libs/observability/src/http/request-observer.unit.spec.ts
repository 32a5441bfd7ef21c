import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JsonLogger } from '../logging/json-logger';
import { metricsRegistry } from '../metrics/metrics-registry';
import { observeRequest } from './request-observer';

describe('observeRequest', () => {
  const lines: Record<string, unknown>[] = [];
  const logger = new JsonLogger({ app: 'gateway', nodeId: 'gw-1', level: 'debug', write: (l) => lines.push(JSON.parse(l)) });
  let server: Server;
  let url: string;

  beforeAll(async () => {
    // A handler that logs after waiting on I/O, as a controller does after a database query.
    server = createServer((req, res) =>
      observeRequest(req, res, { logger, routeOf: () => '/things/:id' }, () => {
        setTimeout(() => {
          logger.log({ msg: 'handled' }, 'Things');
          res.writeHead(201).end('{}');
        }, 5);
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => void lines.splice(0));

  const logged = async (requestId: string) => {
    for (let i = 0; i < 100 && !lines.some((l) => l.msg === 'request' && l.requestId === requestId); i++) await new Promise((r) => setImmediate(r));
    return lines.filter((l) => l.requestId === requestId);
  };

  it('keeps the caller\'s X-Request-Id, returns it, and puts it on every line of the request', async () => {
    const response = await fetch(`${url}/things/7?x=1`, { headers: { 'X-Request-Id': 'abc-123' } });
    expect(response.headers.get('x-request-id')).toBe('abc-123');
    const mine = await logged('abc-123');
    expect(mine.map((l) => l.msg)).toEqual(['handled', 'request']);
    expect(mine[1]).toMatchObject({ context: 'Http', method: 'GET', path: '/things/7', route: '/things/:id', status: 201, durationMs: expect.any(Number) });
  });

  it('makes up an id when none or an unusable one is given', async () => {
    for (const headers of [{}, { 'X-Request-Id': 'x'.repeat(200) }, { 'X-Request-Id': 'a b"c' }] as Record<string, string>[]) {
      const response = await fetch(`${url}/things/1`, { headers });
      const id = response.headers.get('x-request-id')!;
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect((await logged(id)).map((l) => l.msg)).toEqual(['handled', 'request']);
    }
  });

  it('counts the request in the duration histogram by route pattern and status', async () => {
    await fetch(`${url}/things/99`);
    const text = await metricsRegistry.metrics();
    expect(text).toMatch(/^projectionist_http_request_duration_seconds_count\{method="GET",route="\/things\/:id",status_code="201"\} [1-9]\d*$/m);
    expect(text).not.toContain('/things/99');
  });
});
