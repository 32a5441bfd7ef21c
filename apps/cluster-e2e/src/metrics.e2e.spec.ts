import { waitFor } from '@projectionist/testing';
import { adminApi, clusterOnOwnVhost } from './support/admin-api';
import { AppProcess } from './support/app-process';

const TOKEN = 'e2e-token';
const parseLine = (line: string): Record<string, unknown> | undefined => {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined; // not a log line of ours (e.g. a runtime warning on stderr)
  }
};

/**
 * GET /metrics of every app as real processes: process metrics everywhere, the request histogram
 * by route on the gateway and the admin UI server, and the counters moved by writes and a blocking
 * rebuild. Also the request id: given to the admin UI, forwarded to the gateway, on both access logs.
 */
describe('metrics and request ids of a running cluster', () => {
  const bed = clusterOnOwnVhost('metrics', { ADMIN_TOKEN: TOKEN });
  const { api, post } = adminApi(TOKEN);
  let gateway: AppProcess;
  let coordinator: AppProcess;
  let worker: AppProcess;
  let adminUi: AppProcess;

  const scrape = async (app: AppProcess) => {
    const response = await app.get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    return response.text();
  };
  const value = (text: string, series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  beforeAll(async () => {
    const { cluster } = bed;
    gateway = await cluster.addApp('gateway', 'gw');
    coordinator = await cluster.addApp('coordinator', 'co');
    worker = await cluster.addWorker('wk');
    adminUi = await cluster.addApp('admin-ui', 'ui', { GATEWAY_URL: gateway.url });
    await waitFor('an active worker', () => cluster.activeWorker(), { timeoutMs: 20_000 });
  });

  it('every app shows process metrics', async () => {
    for (const app of [gateway, coordinator, worker, adminUi]) {
      const text = await scrape(app);
      expect(value(text, 'process_cpu_seconds_total')).toBeGreaterThan(0);
      expect(value(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
      expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    }
    expect(value(await scrape(worker), 'projectionist_daemon_active')).toBe(1);
  });

  it('after writes and a blocking rebuild the counters have moved, on the app that did the work', async () => {
    const { cluster } = bed;
    const before = { appended: value(await scrape(gateway), 'projectionist_events_appended_total') ?? 0 };
    expect((await post(gateway, '/api/projects', { id: 'apollo', name: 'Apollo', organization: 'acme' })).status).toBe(201);
    expect((await post(gateway, '/api/projects', { id: 'apollo', name: 'Apollo', organization: 'acme' })).status).toBe(409);
    for (let i = 0; i < 5; i++) expect((await post(gateway, '/api/customers', { name: `C${i}` })).status).toBe(201);
    // Enough events for the rebuild to last while a write is tried.
    await cluster.seedCommits({ total: 100_000, streams: 300, users: 5, additions: 2, deletions: 1 });
    await cluster.waitCaughtUp();

    const requested = await post(gateway, '/api/admin/projections/ActiveProject/rebuilds', { mode: 'blocking' });
    expect(requested.status).toBe(202);
    const { rebuildId } = (await requested.json()) as { rebuildId: string };
    const phase = async () => ((await (await api(gateway, `/api/admin/rebuilds/${rebuildId}`)).json()) as { phase: string }).phase;
    await waitFor('a write held', async () => {
      expect(await phase()).not.toBe('Completed');
      return (await post(gateway, '/api/customers', { name: 'During' })).status === 503;
    }, { timeoutMs: 10_000 });
    await waitFor('rebuild completed', async () => (await phase()) === 'Completed', { timeoutMs: 120_000 });

    const gw = await scrape(gateway);
    expect(value(gw, 'projectionist_events_appended_total')).toBe(before.appended + 6);
    expect(value(gw, 'projectionist_commands_rejected_total{reason="ALREADY_EXISTS"}')).toBe(1);
    expect(value(gw, 'projectionist_commands_rejected_total{reason="WRITES_HELD"}')).toBeGreaterThanOrEqual(1);
    expect(value(gw, 'projectionist_writes_held_total{projection="ActiveProject"}')).toBeGreaterThanOrEqual(1);
    expect(value(gw, 'projectionist_http_request_duration_seconds_count{method="POST",route="/api/projects",status_code="201"}')).toBe(1);
    expect(value(gw, 'projectionist_http_request_duration_seconds_count{method="POST",route="/api/admin/projections/:name/rebuilds",status_code="202"}')).toBe(1);
    expect(gw).toMatch(/^projectionist_http_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="\/api\/admin\/rebuilds\/:id",status_code="200"\} [1-9]/m);
    expect(gw).not.toContain(rebuildId);

    // The leader counts the run once; the worker's gauges show the projection it rebuilt.
    expect(value(await scrape(coordinator), 'projectionist_rebuild_runs_total{mode="blocking",outcome="completed"}')).toBe(1);
    await waitFor('the worker reports the rebuilt projection running at the head', async () => {
      const wk = await scrape(worker);
      const running = value(wk, 'projectionist_projection_state{projection="ActiveProject",version="1",state="running"}') === 1;
      return running && (value(wk, 'projectionist_projection_position{projection="ActiveProject",version="1"}') ?? 0) >= 100_000;
    }, { timeoutMs: 30_000 });
  });

  it('a request id given to the admin UI reaches the gateway, returns, and is on both access logs', async () => {
    const response = await fetch(`${adminUi.url}/api/admin/projections`, {
      headers: { Authorization: `Bearer ${TOKEN}`, 'X-Request-Id': 'trace-me-1' },
      signal: AbortSignal.timeout(10_000),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('trace-me-1');
    const accessLine = (app: AppProcess) =>
      waitFor(`${app.nodeId} access log`, () => app.lines.map(parseLine).find((l) => l?.requestId === 'trace-me-1' && l.msg === 'request'), { timeoutMs: 5_000 });
    expect(await accessLine(adminUi)).toMatchObject({ app: 'admin-ui', route: '/api/*', status: 200, method: 'GET' });
    expect(await accessLine(gateway)).toMatchObject({ app: 'gateway', route: '/api/admin/projections', status: 200, path: '/api/admin/projections', durationMs: expect.any(Number) });
    const ui = await scrape(adminUi);
    expect(value(ui, 'projectionist_http_request_duration_seconds_count{method="GET",route="/api/*",status_code="200"}')).toBeGreaterThanOrEqual(1);
  });
});
