/**
 * Diagnosis, not a benchmark: where the CPU of one `POST /api/customers` goes. Starts the built
 * apps (coordinator, a worker unless NO_WORKER=1, a gateway) on a fresh namespace, writes at 16
 * connections for SECONDS (default 10) after a 3 s warm-up, and prints writes/s, latency and the
 * CPU per write of each process (from /proc: the gateway, the worker, every PostgreSQL backend
 * summed, this load client). PROF=1 / PROF_WORKER=1 write `--cpu-prof` profiles to tmp/prof(w);
 * EXTRA_ENV='{"DAEMON_LIVE_READ_GAP_MS":"40"}' passes settings to the apps.
 *
 *   npx ts-node --transpile-only -r tsconfig-paths/register tools/bench/cpu-per-write.ts
 */
import { runMigrations } from '@projectionist/event-store';
import { PROJECTION_DAEMON_MIGRATIONS } from '@projectionist/projection-daemon';
import { AppProcess, freePort, waitFor } from '@projectionist/testing';
import { closedLoop } from './http-load';
import { postgresCpuMs, processCpuMs } from './process-cpu';

const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const pidOf = (p: AppProcess) => (p as unknown as { child: { pid: number } }).child.pid;

async function main() {
  const namespace = `prof_gw_${Date.now()}`;
  await runMigrations({ databaseUrl: DATABASE_URL, namespace, extraMigrations: PROJECTION_DAEMON_MIGRATIONS });
  const env = { NAMESPACE: namespace, DATABASE_URL, ADMIN_TOKEN: 'x'.repeat(32), ...JSON.parse(process.env.EXTRA_ENV ?? '{}') };
  const apps: AppProcess[] = [];
  const start = async (app: AppProcess['app'], id: string, args?: string[]) => { const p = new AppProcess(app, id, await freePort(), env, args); apps.push(p); await p.start(); return p; };
  try {
    await start('coordinator', 'c1');
    const worker = process.env.NO_WORKER ? undefined : await start('projector-worker', 'w1', process.env.PROF_WORKER ? ['--cpu-prof', '--cpu-prof-dir=tmp/profw', 'dist/apps/projector-worker/main.js'] : undefined);
    if (worker) await waitFor('worker active', async () => (await worker.json<{ role: string }>('/daemon')).role === 'active', { timeoutMs: 30_000 });
    const prof = process.env.PROF ? ['--cpu-prof', '--cpu-prof-dir=tmp/prof', 'dist/apps/gateway/main.js'] : undefined;
    const gw = await start('gateway', 'g1', prof);
    await closedLoop(`${gw.url}/api/customers`, () => ({ name: 'warm' }), 16, 3000);
    const t0 = { gw: processCpuMs(pidOf(gw)), wk: worker ? processCpuMs(pidOf(worker)) : 0, pg: postgresCpuMs(), me: process.cpuUsage() };
    const r = await closedLoop(`${gw.url}/api/customers`, () => ({ name: 'Customer 1' }), 16, Number(process.env.SECONDS ?? 10) * 1000);
    const me = process.cpuUsage(t0.me);
    const n = r.requests;
    console.log(JSON.stringify({ perSecond: Math.round(r.perSecond), p50: r.p50Ms.toFixed(1), p99: r.p99Ms.toFixed(1), statuses: r.statuses,
      cpuMsPerWrite: { gateway: ((processCpuMs(pidOf(gw)) - t0.gw) / n).toFixed(3), worker: worker ? ((processCpuMs(pidOf(worker)) - t0.wk) / n).toFixed(3) : null, postgres: ((postgresCpuMs() - t0.pg) / n).toFixed(3), client: ((me.user + me.system) / 1000 / n).toFixed(3) } }));
  } finally {
    for (const a of apps.reverse()) await a.stop();
  }
}
void main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
