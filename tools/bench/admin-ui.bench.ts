import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runMigrations } from '@projectionist/event-store';
import { PROJECTION_DAEMON_MIGRATIONS } from '@projectionist/projection-daemon';
import { AppProcess, freePort, launchChromium, waitFor } from '@projectionist/testing';
import { Pool } from 'pg';
import { median, percentile } from './http-load';
import { table } from './report';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TOKEN = 'bench-token';
const LOADS = Number(process.env.BENCH_UI_LOADS ?? 15);
const PUBLIC_DIR = 'dist/apps/admin-ui/public';

/**
 * The admin UI's weight and speed:
 * - the production build's files, raw and gzipped (as its server sends them);
 * - first render of the projections screen in headless Chromium against a running stack
 *   (gateway, coordinator, worker, the UI's server), cold (new browser context each load) and
 *   warm (reload), from navigation start to the first paint and to the projection rows drawn
 *   from the live event stream. The floor, in the same run: the first batch of that stream read
 *   by a plain HTTP client through the same server.
 */
export async function adminUiBenchmark(): Promise<string> {
  const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '--projects=coordinator,projector-worker,gateway,admin-ui'], { stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false' } });
  if (build.status !== 0) throw new Error('building the apps failed');
  const sizes = bundleSizes();

  const namespace = `bench_ui_${Date.now()}`;
  await runMigrations({ databaseUrl: DATABASE_URL, namespace, extraMigrations: PROJECTION_DAEMON_MIGRATIONS });
  const env = { NAMESPACE: namespace, DATABASE_URL, ADMIN_TOKEN: TOKEN, LOG_LEVEL: 'warn' };
  const apps: AppProcess[] = [];
  const start = async (app: AppProcess['app'], nodeId: string, extraEnv: Record<string, string> = {}) => {
    const process = new AppProcess(app, nodeId, await freePort(), { ...env, ...extraEnv });
    apps.push(process);
    await process.start();
    return process;
  };
  const pool = new Pool({ connectionString: DATABASE_URL, max: 2 });
  const browser = await launchChromium();
  try {
    await start('coordinator', 'bench-coordinator');
    const worker = await start('projector-worker', 'bench-worker');
    await waitFor('the worker active', async () => (await worker.json<{ role: string }>('/daemon')).role === 'active', { timeoutMs: 30_000 });
    const gateway = await start('gateway', 'bench-gateway');
    const ui = await start('admin-ui', 'bench-ui', { GATEWAY_URL: gateway.url });
    await waitFor('projections registered', async () => {
      const list = await (await fetch(`${gateway.url}/api/admin/projections`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json();
      return Array.isArray(list) && list.length > 0;
    }, { timeoutMs: 30_000 });

    const floor: number[] = [];
    for (let i = 0; i < LOADS; i++) floor.push(await firstStreamBatchMs(ui.url));

    const cold: Timing[] = [];
    const warm: Timing[] = [];
    for (let i = 0; i < LOADS; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addInitScript(INSTRUMENT, TOKEN);
      const page = await context.newPage();
      cold.push(await load(page, () => page.goto(`${ui.url}/#/projections`)));
      warm.push(await load(page, () => page.reload()));
      await context.close();
    }

    const stats = (label: string, values: number[]) => {
      // Chromium does not always report a paint entry for a reload of an unchanged page.
      const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
      const note = sorted.length < values.length ? ` (${sorted.length} of ${values.length} loads reported it)` : '';
      return [label + note, `${median(sorted).toFixed(0)} ms`, `${percentile(sorted, 95).toFixed(0)} ms`, `${sorted[0].toFixed(0)} ms`];
    };
    return [
      '### Production build (`nx run admin-ui:build`; gzip level 9, as the UI server sends it)',
      table(['file', 'raw', 'gzip'], [...sizes.rows, ['**total**', `**${kb(sizes.raw)}**`, `**${kb(sizes.gzip)}**`]]),
      '',
      `### First render of the projections screen (headless Chromium, 1280×900, ${LOADS} loads each; signed in; ${apps.length} processes on the same 2 cores)`,
      table(['measure', 'median', 'p95', 'best'], [
        stats('floor: first batch of /api/admin/stream through the UI server (plain HTTP client)', floor),
        stats('cold load: first contentful paint', cold.map((t) => t.firstPaint)),
        stats('cold load: projection rows rendered', cold.map((t) => t.rows)),
        stats('warm reload: first contentful paint', warm.map((t) => t.firstPaint)),
        stats('warm reload: projection rows rendered', warm.map((t) => t.rows)),
      ]),
      '',
      'Times are from navigation start (`performance.now()` in the page). "Rows rendered" is the moment the first projection row is in the document, which needs the script, the event stream\'s first batch and a React render.',
    ].join('\n');
  } finally {
    await browser.close();
    await Promise.all(apps.map((a) => a.stop()));
    await pool.query(`DROP SCHEMA IF EXISTS "${namespace}" CASCADE`);
    await pool.end();
  }
}

interface Timing {
  readonly firstPaint: number;
  readonly rows: number;
}

/** Runs in the page before its scripts: signs in and records when the first projection row appears. */
const INSTRUMENT = (token: string) => {
  sessionStorage.setItem('projectionist.adminToken', token);
  const w = window as unknown as { __rowsAt?: number };
  new MutationObserver((_, observer) => {
    if (document.querySelector('tr[data-projection]')) {
      w.__rowsAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
};

async function load(page: import('playwright-core').Page, navigate: () => Promise<unknown>): Promise<Timing> {
  await navigate();
  await page.waitForFunction(() => (window as unknown as { __rowsAt?: number }).__rowsAt !== undefined, undefined, { timeout: 15_000 });
  return page.evaluate(() => ({
    firstPaint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
    rows: (window as unknown as { __rowsAt: number }).__rowsAt,
  }));
}

async function firstStreamBatchMs(baseUrl: string): Promise<number> {
  const controller = new AbortController();
  const started = performance.now();
  const response = await fetch(`${baseUrl}/api/admin/stream`, { headers: { Authorization: `Bearer ${TOKEN}` }, signal: controller.signal });
  const reader = response.body!.getReader();
  let text = '';
  while (!text.includes('event: projection')) text += new TextDecoder().decode((await reader.read()).value);
  const ms = performance.now() - started;
  controller.abort();
  return ms;
}

function bundleSizes(): { rows: string[][]; raw: number; gzip: number } {
  const files: string[] = [];
  const walk = (dir: string) => readdirSync(dir).forEach((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : files.push(join(dir, name))));
  walk(PUBLIC_DIR);
  let raw = 0;
  let gzip = 0;
  const rows = files
    .filter((f) => extname(f) !== '.map')
    .sort()
    .map((file) => {
      const body = readFileSync(file);
      const zipped = gzipSync(body, { level: 9 }).length;
      raw += body.length;
      gzip += zipped;
      return [`\`${file.slice(PUBLIC_DIR.length + 1).replace(/-[A-Za-z0-9_-]{8}\./, '-[hash].')}\``, kb(body.length), kb(zipped)];
    });
  return { rows, raw, gzip };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
