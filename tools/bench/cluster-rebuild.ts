import { AppProcess, freePort, waitFor } from '@projectionist/testing';

const TOKEN = 'bench-token';

export interface ClusterRebuildFigures {
  /** From starting the workers on the seeded events to every projection caught up. */
  readonly catchUpMs: number;
  /** From the request to the `Completed` transition, as the coordinator recorded them. */
  readonly rebuildMs: number;
  /** From sending the request to reading `Completed` back through the API. */
  readonly observedMs: number;
  readonly phases: string;
}

/**
 * A blocking rebuild of ActiveProject as a user requests it: a cluster of the built apps
 * (coordinator, gateway, two workers) on a namespace already seeded, every projection caught up
 * first, the rebuild requested through the gateway's admin API and followed there to `Completed`.
 */
export async function measureClusterRebuild(databaseUrl: string, namespace: string): Promise<ClusterRebuildFigures> {
  const env = { NAMESPACE: namespace, DATABASE_URL: databaseUrl, ADMIN_TOKEN: TOKEN };
  const apps: AppProcess[] = [];
  const start = async (app: AppProcess['app'], nodeId: string) => {
    // Workers as deployed (docker-compose.yml, deploy/kubernetes): a young generation sized for rebuild pages.
    const worker = app === 'projector-worker';
    // BENCH_WORKER_PROFILE_DIR: each worker writes a CPU profile there when it stops.
    const profileDir = globalThis.process.env.BENCH_WORKER_PROFILE_DIR;
    const nodeArgs = worker && profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, 'dist/apps/projector-worker/main.js'] : undefined;
    const process = new AppProcess(app, nodeId, await freePort(), worker ? { ...env, NODE_OPTIONS: '--max-semi-space-size=64' } : env, nodeArgs);
    apps.push(process);
    await process.start();
    return process;
  };
  try {
    await start('coordinator', 'bench-coordinator');
    const gateway = await start('gateway', 'bench-gateway');
    const started = Date.now();
    const workers = [await start('projector-worker', 'bench-worker-1'), await start('projector-worker', 'bench-worker-2')];
    type DaemonStatus = { role: string; agents?: { agent: string }[]; projections: { lagEvents: number }[] };
    const statuses = () => Promise.all(workers.map((w) => w.json<DaemonStatus>('/daemon').catch(() => undefined)));
    // Settled: both workers run their share of the agents (the second one's arrival moves half of
    // them), and every projection either reports has caught up. A rebuild requested while an agent
    // moves is answered by the node it leaves and fails ("does not run projection now").
    await waitFor(
      'the agents spread over both workers and every projection caught up',
      async () => {
        const all = await statuses();
        return all.every((s) => s !== undefined && s.role === 'active' && (s.agents?.length ?? 0) > 0 && s.projections.length > 0 && s.projections.every((p) => p.lagEvents === 0));
      },
      { timeoutMs: 30 * 60_000, intervalMs: 200 },
    );
    const catchUpMs = Date.now() - started;
    const admin = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };
    const sent = Date.now();
    const requested = await fetch(`${gateway.url}/api/admin/projections/ActiveProject/rebuilds`, { method: 'POST', headers: admin, body: JSON.stringify({ mode: 'blocking' }) });
    if (requested.status !== 202) throw new Error(`rebuild request answered ${requested.status}: ${await requested.text()}`);
    const { rebuildId } = (await requested.json()) as { rebuildId: string };
    let run: { phase: string; failure: { reason: string } | null; history: { phase: string; at: number }[] } | undefined;
    await waitFor(
      'the rebuild ended',
      async () => {
        run = (await (await fetch(`${gateway.url}/api/admin/rebuilds/${rebuildId}`, { headers: admin })).json()) as typeof run;
        return run !== undefined && ['Completed', 'Failed', 'Cancelled'].includes(run.phase);
      },
      // The figure is the coordinator's own record of the run's transitions, not when a poll saw
      // them: polling more often adds nothing to it and only takes CPU from the rebuild (at 20 ms,
      // about a tenth of a core between this process and the gateway).
      { timeoutMs: 10 * 60_000, intervalMs: 250 },
    );
    if (run!.phase !== 'Completed') throw new Error(`rebuild ended ${run!.phase}: ${run!.failure?.reason ?? ''}`);
    const observedMs = Date.now() - sent;
    const history = run!.history;
    const completedAt = history.find((h) => h.phase === 'Completed')!.at;
    return {
      catchUpMs,
      rebuildMs: completedAt - history[0].at,
      observedMs,
      phases: history.map((h, i) => `${h.phase}${i > 0 ? ` +${h.at - history[i - 1].at} ms` : ''}`).join(' → '),
    };
  } finally {
    await Promise.all(apps.map((a) => a.stop()));
  }
}
