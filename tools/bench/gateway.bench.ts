import { spawnSync } from 'node:child_process';
import { Agent } from 'node:http';
import { runMigrations } from '@projectionist/event-store';
import { PROJECTION_DAEMON_MIGRATIONS } from '@projectionist/projection-daemon';
import { AppProcess, freePort, waitFor } from '@projectionist/testing';
import { Pool } from 'pg';
import { closedLoop, LoadResult, median, percentile, post } from './http-load';
import { CeilingResult, plainInsertCeiling } from './insert-ceiling';
import { fmt, table } from './report';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TOKEN = 'bench-token';
const CONNECTIONS = Number(process.env.BENCH_GATEWAY_CONNECTIONS ?? 16);
const ROUND_MS = Number(process.env.BENCH_GATEWAY_ROUND_MS ?? 5_000);
const ROUNDS = Number(process.env.BENCH_GATEWAY_ROUNDS ?? 8);
const REBUILDS = Number(process.env.BENCH_GATEWAY_REBUILDS ?? 20);
const TS_ENTRY = ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'tools/bench/gateway-server.ts'];

/**
 * The write-guard's cost and reaction time, with real processes on the real services:
 * - write throughput (POST /api/customers, one append each) through a gateway with the guard
 *   and one without it, in alternating rounds of the same run;
 * - time from a rebuild's completion (as the coordinator records it) to the first write another
 *   gateway accepts, over repeated blocking rebuilds.
 */
export async function gatewayBenchmark(): Promise<string> {
  const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '--projects=coordinator,projector-worker,gateway'], { stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false' } });
  if (build.status !== 0) throw new Error('building the apps failed');
  const namespace = `bench_gw_${Date.now()}`;
  await runMigrations({ databaseUrl: DATABASE_URL, namespace, extraMigrations: PROJECTION_DAEMON_MIGRATIONS });
  const env = { NAMESPACE: namespace, DATABASE_URL, ADMIN_TOKEN: TOKEN, LOG_LEVEL: 'warn' };
  const apps: AppProcess[] = [];
  const start = async (app: AppProcess['app'], nodeId: string, extraEnv: Record<string, string> = {}, nodeArgs?: string[]) => {
    const process = new AppProcess(app, nodeId, await freePort(), { ...env, ...extraEnv }, nodeArgs);
    apps.push(process);
    await process.start();
    return process;
  };
  const pool = new Pool({ connectionString: DATABASE_URL, max: 2 });
  try {
    await start('coordinator', 'bench-coordinator');
    const worker = await start('projector-worker', 'bench-worker');
    await waitFor('the worker active', async () => (await worker.json<{ role: string }>('/daemon')).role === 'active', { timeoutMs: 30_000 });
    const guarded = await start('gateway', 'bench-gw-guarded', {}, TS_ENTRY);
    const unguarded = await start('gateway', 'bench-gw-unguarded', { BENCH_WRITE_GUARD: 'off' }, TS_ENTRY);
    const requester = await start('gateway', 'bench-gw-requester');

    const ceiling = () => plainInsertCeiling(pool, DATABASE_URL, namespace, { clients: CONNECTIONS, rowsPerInsert: 1, seconds: ROUND_MS / 1000, data: () => ({ name: 'Customer 1' }) });
    const throughput = await measureThroughput(guarded, unguarded, () => caughtUp(worker), ceiling);
    const reaction = await measureReaction(requester, guarded);
    const on = median(throughput.on.map((r) => r.perSecond));
    const off = median(throughput.off.map((r) => r.perSecond));
    const row = (label: string, rounds: LoadResult[]) => [
      label,
      rounds.map((r) => fmt(r.perSecond)).join(' / '),
      fmt(median(rounds.map((r) => r.perSecond))),
      `${median(rounds.map((r) => r.p50Ms)).toFixed(1)} ms`,
      `${median(rounds.map((r) => r.p99Ms)).toFixed(1)} ms`,
      Object.entries(mergeStatuses(rounds)).map(([s, n]) => `${s}: ${fmt(n)}`).join(', '),
    ];
    const plain = median(throughput.ceiling.map((r) => r.perSecond));
    return [
      `### Write throughput, guard on vs off (POST /api/customers, ${CONNECTIONS} keep-alive connections, ${ROUNDS} alternating rounds of ${ROUND_MS / 1000} s each; no rebuild running, so every write passes the guard's check; each run starts once the worker has projected the previous one's events)`,
      table(['gateway', 'writes/s per round', 'median writes/s', 'median p50', 'median p99', 'responses'], [
        row('write-guard on', throughput.on),
        row('write-guard off', throughput.off),
        ['plain single-row `INSERT` (ceiling: pgbench, same connections)', throughput.ceiling.map((r) => fmt(r.perSecond)).join(' / '), fmt(plain), `${median(throughput.ceiling.map((r) => r.p50Ms)).toFixed(1)} ms`, `${median(throughput.ceiling.map((r) => r.p99Ms)).toFixed(1)} ms`, ''],
      ]),
      '',
      `Gateway writes of the ceiling: **${Math.round((on / plain) * 100)}%** with the guard on, ${Math.round((off / plain) * 100)}% off (medians; target ≥ 30% with p99 ≤ 50 ms). The ceiling inserts into a copy of the events table (same columns, defaults, constraints and indexes), one row and one transaction per statement, prepared, in the same rounds as the gateway.`,
      '',
      // Each round runs both back to back, and whichever runs second in a round is measured a few
      // per cent slower (the first run leaves work behind: vacuum, checkpoints). The order alternates,
      // so over an even number of rounds that penalty cancels in the geometric mean of the rounds'
      // ratios, not in a median.
      `Ratio on / off: **${geometricMean(throughput.on.map((r, i) => r.perSecond / throughput.off[i].perSecond)).toFixed(3)}**, the geometric mean of the ${ROUNDS} rounds' own ratios (${throughput.on.map((r, i) => (r.perSecond / throughput.off[i].perSecond).toFixed(2)).join(', ')}; the order alternates: on first in odd rounds); ${(on / off).toFixed(3)} as the ratio of the medians (target ≥ 0.95).`,
      '',
      `### From a rebuild's completion to the first write accepted by the other gateway (${REBUILDS} blocking rebuilds of CustomerView requested through one gateway; the other one writes back to back)`,
      table(['rebuilds', 'p50', 'p99', 'max', 'rebuild duration (median)'], [
        [fmt(reaction.samples.length), `${percentile(reaction.samples, 0.5).toFixed(1)} ms`, `${percentile(reaction.samples, 0.99).toFixed(1)} ms`, `${reaction.samples[reaction.samples.length - 1].toFixed(1)} ms`, `${median(reaction.durations).toFixed(0)} ms`],
      ]),
      '',
      'Completion is the time the coordinator recorded for the `Completed` transition; the write counts when its 201 response arrived. Target p99 ≤ 200 ms.',
    ].join('\n');
  } finally {
    await Promise.all(apps.map((a) => a.stop()));
    await pool.query(`DROP SCHEMA IF EXISTS "${namespace}" CASCADE`);
    await pool.end();
  }
}

/**
 * Every write appends an event that the worker then projects: a round that starts while the
 * worker still folds the previous round's events shares the 2 cores with it. So each round
 * starts once the worker has caught up, whichever gateway went before.
 */
const geometricMean = (values: number[]) => Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);

async function caughtUp(worker: AppProcess): Promise<void> {
  await waitFor(
    'the worker caught up',
    async () => (await worker.json<{ projections: { lagEvents: number }[] }>('/daemon')).projections.every((p) => p.lagEvents === 0),
    { timeoutMs: 120_000, intervalMs: 100 },
  );
}

async function measureThroughput(
  guarded: AppProcess,
  unguarded: AppProcess,
  settle: () => Promise<void>,
  ceilingRound: () => Promise<CeilingResult>,
): Promise<{ on: LoadResult[]; off: LoadResult[]; ceiling: CeilingResult[] }> {
  const write = (gateway: AppProcess, ms: number) => closedLoop(`${gateway.url}/api/customers`, (i) => ({ name: `Customer ${i}` }), CONNECTIONS, ms);
  // Warm both up (JIT, connection pools) before anything counts.
  await write(guarded, 3_000);
  await write(unguarded, 3_000);
  const on: LoadResult[] = [];
  const off: LoadResult[] = [];
  const ceiling: CeilingResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first, so a drift of the machine does not favour one.
    const order = round % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const);
    for (const variant of order) {
      await settle();
      const result = await write(variant === 'on' ? guarded : unguarded, ROUND_MS);
      (variant === 'on' ? on : off).push(result);
      console.log(`round ${round + 1}, guard ${variant}: ${fmt(result.perSecond)} writes/s, ${JSON.stringify(result.statuses)}`);
    }
    const plain = await ceilingRound();
    ceiling.push(plain);
    console.log(`round ${round + 1}, plain insert ceiling: ${fmt(plain.perSecond)} inserts/s, p50 ${plain.p50Ms.toFixed(1)} ms, p99 ${plain.p99Ms.toFixed(1)} ms`);
  }
  return { on, off, ceiling };
}

async function measureReaction(requester: AppProcess, writer: AppProcess): Promise<{ samples: number[]; durations: number[] }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 2 });
  const admin = { Authorization: `Bearer ${TOKEN}` };
  const samples: number[] = [];
  const durations: number[] = [];
  try {
    for (let i = 0; i < REBUILDS; i++) {
      const requested = await post(agent, `${requester.url}/api/admin/projections/CustomerView/rebuilds`, { mode: 'blocking' }, admin);
      if (requested.status !== 202) throw new Error(`rebuild request answered ${requested.status}: ${requested.body}`);
      const { rebuildId } = JSON.parse(requested.body) as { rebuildId: string };
      // The other gateway learns of the run (it may take a few ms), holds writes, then accepts the first one after the completion.
      const write = () => post(agent, `${writer.url}/api/customers`, { name: 'After the rebuild' });
      const heldBy = Date.now() + 5_000;
      while ((await write()).status !== 503) {
        if (Date.now() > heldBy) throw new Error(`the other gateway never held writes during rebuild ${rebuildId}`);
      }
      let acceptedAt = 0;
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const reply = await write();
        if (reply.status === 201) {
          acceptedAt = Date.now();
          break;
        }
        if (reply.status !== 503) throw new Error(`write answered ${reply.status}: ${reply.body}`);
      }
      if (!acceptedAt) throw new Error(`no write accepted within 60 s of rebuild ${rebuildId}`);
      const run = (await (await fetch(`${requester.url}/api/admin/rebuilds/${rebuildId}`, { headers: admin })).json()) as { phase: string; history: { phase: string; at: number }[] };
      if (run.phase !== 'Completed') throw new Error(`rebuild ${rebuildId} ended ${run.phase}`);
      const completedAt = run.history.find((h) => h.phase === 'Completed')!.at;
      samples.push(acceptedAt - completedAt);
      durations.push(completedAt - run.history[0].at);
      console.log(`rebuild ${i + 1}: first accepted write ${acceptedAt - completedAt} ms after completion`);
    }
  } finally {
    agent.destroy();
  }
  samples.sort((a, b) => a - b);
  return { samples, durations };
}

function mergeStatuses(rounds: LoadResult[]): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const r of rounds) for (const [s, n] of Object.entries(r.statuses)) merged[s] = (merged[s] ?? 0) + n;
  return merged;
}
