import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createEventStorePool, PostgresEventStore, runMigrations } from '@projectionist/event-store';
import { PROJECTION_DAEMON_MIGRATIONS } from '@projectionist/projection-daemon';
import { fmt, table } from './report';
import { seedRepositoryEvents } from './seed-repository';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const EVENTS = Number(process.env.BENCH_ONLINE_EVENTS ?? 1_000_000);
// A small run (BENCH_ONLINE_EVENTS below it, to check the bench works) keeps the switch runs as small.
const SWITCH_EVENTS = Math.min(100_000, EVENTS);
/** The partitioned rebuild's worker counts beyond 1 (1 is the online rebuild above, on one worker). */
const PARTITIONED_WORKERS = [2, 3];
const SWITCHES = 10;
const STREAMS = 10_000;
const WRITE_RATE = 500;
const WRITERS = 4;
const IDLE_MS = 5_000;

interface Step {
  readonly at: number;
  readonly step: 'ready' | 'rebuild-start' | 'rebuild-end' | 'partition-end';
  readonly durationMs?: number;
  /** Partitioned: from the start to the end of the build up to the head (every partition built). */
  readonly builtMs?: number;
  readonly processed?: number;
  readonly switchPauseMs?: number | null;
}

/**
 * An online rebuild of ActiveProject while writes go on, against a blocking rebuild of the same
 * events in the same run: the rebuild's rate, the writes' latency before and during it, and the
 * switch pause over several online rebuilds. The worker runs in a process of its own; the writes
 * come from this one, as a gateway's would, at a steady rate on connections of their own.
 */
export async function onlineRebuildBenchmark(): Promise<string> {
  const large = await prepare(EVENTS);
  const writes = startWriter(large);
  const blocking = await runChild(large, 'blocking', 1);
  const online = await runChild(large, 'online', 1);
  const partitioned: [number, Step][] = [];
  for (const workers of PARTITIONED_WORKERS) partitioned.push([workers, end(await runPartitioned(large, workers))]);
  await writes.stop();
  const small = await prepare(SWITCH_EVENTS);
  const smallWrites = startWriter(small);
  const switches = await runChild(small, 'online', SWITCHES);
  await smallWrites.stop();
  await drop(large);
  await drop(small);

  const rate = (s: Step) => ((s.processed ?? 0) / (s.durationMs ?? 1)) * 1000;
  const [blockingEnd, onlineEnd] = [end(blocking), end(online)];
  const before = between(writes.samples, step(online, 'ready'), step(online, 'rebuild-start'));
  const during = between(writes.samples, step(online, 'rebuild-start'), onlineEnd.at);
  const duringBlocking = between(writes.samples, step(blocking, 'rebuild-start'), blockingEnd.at);
  const pauses = switches.filter((s) => s.step === 'rebuild-end').map((s) => s.switchPauseMs ?? NaN);
  return [
    `### Online rebuild of ActiveProject, ${fmt(EVENTS)} events in ${fmt(STREAMS)} streams, while ${WRITE_RATE} events/s are appended (${WRITERS} writers on connections of their own)`,
    table(
      ['rebuild', 'duration', 'events applied', 'rate', 'of the blocking rate'],
      [
        ['blocking (the live agent stopped)', `${((blockingEnd.durationMs ?? 0) / 1000).toFixed(1)} s`, fmt(blockingEnd.processed ?? 0), `${fmt(rate(blockingEnd))} ev/s`, '100%'],
        ['online (the live agent going on)', `${((onlineEnd.durationMs ?? 0) / 1000).toFixed(1)} s`, fmt(onlineEnd.processed ?? 0), `${fmt(rate(onlineEnd))} ev/s`, `${Math.round((rate(onlineEnd) * 100) / rate(blockingEnd))}%`],
      ],
    ),
    '',
    '### Append latency (commit of one event), before and during the online rebuild, and during the blocking one for comparison',
    table(
      ['', 'appends', 'p50', 'p99', 'max'],
      [row('before (5 s, the live agent following)', before), row('during the online rebuild', during), row('during the blocking rebuild (appends reach the store; the gateway would hold them)', duringBlocking)],
    ),
    '',
    `### Partitioned online rebuild of the same ${fmt(EVENTS)} events, the build up to the head split by stream over worker processes, writes going on`,
    table(
      ['workers', 'partitions', 'duration', 'build up to the head', 'events applied', 'rate', 'of 1 worker'],
      [
        ['1 (the online rebuild above)', '1', `${((onlineEnd.durationMs ?? 0) / 1000).toFixed(1)} s`, '—', fmt(onlineEnd.processed ?? 0), `${fmt(rate(onlineEnd))} ev/s`, '100%'],
        ...partitioned.map(([workers, s]) => [
          String(workers),
          String(workers),
          `${((s.durationMs ?? 0) / 1000).toFixed(1)} s`,
          `${((s.builtMs ?? 0) / 1000).toFixed(1)} s`,
          fmt(s.processed ?? 0),
          `${fmt(rate(s))} ev/s`,
          `${Math.round((rate(s) * 100) / rate(onlineEnd))}%`,
        ]),
      ],
    ),
    '',
    `### Switch pause over ${SWITCHES} online rebuilds of ${fmt(SWITCH_EVENTS)} events (the live agent's stop to its restart on the new table)`,
    table(['switches', 'p50', 'p99', 'max'], [[String(pauses.length), `${pct(pauses, 50).toFixed(0)} ms`, `${pct(pauses, 99).toFixed(0)} ms`, `${Math.max(...pauses).toFixed(0)} ms`]]),
    '',
    'Targets: online rate ≥ 80% of the blocking rate; append p99 during ≤ 2× before; switch pause p99 ≤ 50 ms. Partitioned: no target on this machine (2 cores shared by PostgreSQL, the workers and the writer); what it must keep is the result, checked by the tests.',
  ].join('\n');
}

async function prepare(events: number): Promise<string> {
  const namespace = `bench_online_${events}_${Date.now()}`;
  await runMigrations({ databaseUrl: DATABASE_URL, namespace, extraMigrations: PROJECTION_DAEMON_MIGRATIONS });
  const pool = createEventStorePool({ connectionString: DATABASE_URL, max: 2 });
  await seedRepositoryEvents(pool, namespace, events, STREAMS);
  await pool.query('CHECKPOINT');
  await pool.end();
  return namespace;
}

async function drop(namespace: string): Promise<void> {
  const pool = createEventStorePool({ connectionString: DATABASE_URL, max: 1 });
  await pool.query(`DROP SCHEMA "${namespace}" CASCADE`);
  await pool.end();
}

/** Appends at a steady rate until stopped, recording when each append returned and how long it took. */
function startWriter(namespace: string): { samples: { at: number; ms: number }[]; stop(): Promise<void> } {
  const pool = createEventStorePool({ connectionString: DATABASE_URL, max: WRITERS });
  const store = new PostgresEventStore({ pool, namespace });
  const samples: { at: number; ms: number }[] = [];
  let running = true;
  const interval = (1000 / WRITE_RATE) * WRITERS;
  const loops = Array.from({ length: WRITERS }, async (_, w) => {
    let next = performance.now();
    for (let i = 0; running; i++) {
      const started = performance.now();
      await store.append(`project-${(w * 2_500 + (i % 2_500)) % STREAMS}`, [{ type: 'CommitPushed', data: { userName: `u${i % 13}`, additions: i % 9, deletions: i % 4 } }]);
      samples.push({ at: Date.now(), ms: performance.now() - started });
      next += interval;
      const wait = next - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  });
  return {
    samples,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      await pool.end();
    },
  };
}

function runChild(namespace: string, mode: 'blocking' | 'online', count: number): Promise<Step[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--max-semi-space-size=64', '-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(__dirname, 'online-rebuild-child.ts'), namespace, mode, String(count), String(IDLE_MS)],
      { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.json' } },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`online rebuild child exited ${code}: ${out}`));
      const steps = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Step);
      console.log(`${mode} x${count}: ${JSON.stringify(steps.filter((s) => s.step === 'rebuild-end'))}`);
      resolve(steps);
    });
  });
}

/**
 * One partitioned online rebuild on `workers` processes: the owner (lease holder, which also builds
 * the last partition) and a helper per other partition, started together; a helper waits for the
 * owner to create its partition, as a worker asked by the coordinator does.
 */
async function runPartitioned(namespace: string, workers: number): Promise<Step[]> {
  const runId = `bench-partitioned-${workers}-${Date.now()}`;
  const spawnChild = (role: 'owner' | 'helper', index: number) =>
    new Promise<Step[]>((resolve, reject) => {
      const args = [namespace, role, runId, String(workers), String(index), String(IDLE_MS)];
      const child = spawn(process.execPath, ['--max-semi-space-size=64', '-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(__dirname, 'partitioned-rebuild-child.ts'), ...args], {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.json' },
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('exit', (code) => {
        if (code !== 0) return reject(new Error(`partitioned rebuild ${role} ${index} exited ${code}: ${out}`));
        resolve(out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Step));
      });
    });
  const [owner, ...helpers] = await Promise.all([spawnChild('owner', workers - 1), ...Array.from({ length: workers - 1 }, (_, i) => spawnChild('helper', i))]);
  console.log(`partitioned x${workers}: ${JSON.stringify([...owner, ...helpers.flat()].filter((s) => s.step !== 'ready'))}`);
  return owner;
}

const step = (steps: Step[], name: Step['step']) => (steps.find((s) => s.step === name) as Step).at;
const end = (steps: Step[]) => steps.find((s) => s.step === 'rebuild-end') as Step;
const between = (samples: { at: number; ms: number }[], from: number, to: number) => samples.filter((s) => s.at >= from && s.at <= to).map((s) => s.ms);

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function row(label: string, ms: number[]): string[] {
  return [label, fmt(ms.length), `${pct(ms, 50).toFixed(1)} ms`, `${pct(ms, 99).toFixed(1)} ms`, `${Math.max(...ms).toFixed(1)} ms`];
}
