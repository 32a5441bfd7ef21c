import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createEventStorePool, FEED_START, FeedCursor, FeedNotifications, PostgresEventStore, runMigrations } from '@projectionist/event-store';
import { PROJECTION_DAEMON_MIGRATIONS, ProjectionDaemon } from '@projectionist/projection-daemon';
import { activeProjectProjection } from '@projectionist/projections';
import { ClusterRebuildFigures, measureClusterRebuild } from './cluster-rebuild';
import { fmt, table } from './report';
import { seedRepositoryEvents } from './seed-repository';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const EVENTS = Number(process.env.BENCH_DAEMON_EVENTS ?? 1_000_000);
const SMALL = Math.round(EVENTS / 4);
const STREAMS = 10_000;
const LAG_SECONDS = Number(process.env.BENCH_LAG_SECONDS ?? 20);
const LAG_RATE = 1_000;
// Enough writers that the rate holds when single appends take longer than usual on a busy host.
const LAG_WRITERS = 8;
const WORKER_POOL_SIZE = 10;
const HEAP_CAP_MB = 256;
const silent = { log: () => undefined, warn: () => undefined, error: (m: unknown) => console.error(m) };

interface RebuildFigures {
  events: number;
  processed: number;
  durationMs: number;
  peakRssMb: number;
  peakHeapMb: number;
  peakLiveHeapMb: number;
  baselineRssMb: number;
}

/**
 * Rebuild throughput of ActiveProject against the plain feed read of the same events (the
 * ceiling), the worker's peak memory during rebuilds of 250k and 1M events, and the catch-up lag
 * from append commit to the projection under a steady 1,000 events/s.
 */
export async function daemonBenchmark(): Promise<string> {
  const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '--projects=coordinator,projector-worker,gateway'], { stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false' } });
  if (build.status !== 0) throw new Error('building the apps failed');
  const small = await measureRebuild(SMALL);
  const large = await measureRebuild(EVENTS, { userPaths: true });
  const lag = await measureLag();
  const rate = (figures: { processed: number; durationMs: number }) => (figures.processed / figures.durationMs) * 1000;
  const inProcess = rate(large);
  const { catchUp, cluster } = large.userPaths!;
  const endToEnd = (large.processed / cluster.rebuildMs) * 1000;
  return [
    `### Rebuild of ActiveProject (${fmt(STREAMS)} streams; each rebuild in a fresh worker process, old space capped at ${HEAP_CAP_MB} MB, \`--max-semi-space-size=64\` as recommended for workers)`,
    table(
      ['events', 'feed read, rows', 'feed read, JSON pages', 'rebuild', 'of the faster read (ceiling)', 'duration', 'peak RSS', 'RSS before', 'peak heap', 'peak live heap (GC every 100 ms, separate run)'],
      [small, large].map((r) => [
        fmt(r.events),
        `${fmt(r.rowsRead)} ev/s`,
        `${fmt(r.jsonRead)} ev/s`,
        `${fmt((r.processed / r.durationMs) * 1000)} ev/s`,
        `${Math.round(((r.processed / r.durationMs) * 1000 * 100) / r.ceiling)}%`,
        `${(r.durationMs / 1000).toFixed(1)} s`,
        `${r.peakRssMb} MB`,
        `${r.baselineRssMb} MB`,
        `${r.peakHeapMb} MB`,
        `${r.peakLiveHeapMb} MB`,
      ]),
    ),
    '',
    `### What users get: the same ${fmt(EVENTS)} events rebuilt through the admin API, and caught up by a live projection (same namespace, same run)`,
    table(
      ['path', 'events', 'duration', 'events/s', 'of the in-process rebuild'],
      [
        ['in-process rebuild (above)', fmt(large.processed), `${(large.durationMs / 1000).toFixed(1)} s`, fmt(inProcess), '100%'],
        ['blocking rebuild requested through the admin API, request → `Completed`', fmt(large.processed), `${(cluster.rebuildMs / 1000).toFixed(1)} s (${(cluster.observedMs / 1000).toFixed(1)} s seen by the client)`, fmt(endToEnd), `${Math.round((endToEnd / inProcess) * 100)}%`],
        ['live catch-up of the whole feed by a new live agent (fresh worker process)', fmt(catchUp.processed), `${(catchUp.durationMs / 1000).toFixed(1)} s`, fmt(rate(catchUp)), `${Math.round((rate(catchUp) / inProcess) * 100)}%`],
      ],
    ),
    '',
    `The cluster: coordinator, gateway and two workers (the built apps), started on the seeded namespace; every projection caught up first (${(cluster.catchUpMs / 1000).toFixed(1)} s for all of them from the workers' start), then the rebuild requested with \`POST /api/admin/projections/ActiveProject/rebuilds\` and followed with \`GET /api/admin/rebuilds/:id\`. Phases: ${cluster.phases}.`,
    '',
    'Targets: end-to-end rebuild ≥ 80% of the in-process rebuild and ≥ 100,000 events/s; live catch-up ≥ 50% of the rebuild rate.',
    '',
    `### Catch-up lag under a steady ${fmt(LAG_RATE)} events/s for ${LAG_SECONDS} s (append commit → projection committed; ${LAG_WRITERS} writers on connections of their own, as a gateway would be; the daemon on a pool of ${WORKER_POOL_SIZE}, the worker's default; after a CHECKPOINT, so the rebuild runs' writes are not flushed during it)`,
    table(['samples', 'appended', 'p50', 'p99', 'max'], [[fmt(lag.samples), `${fmt(lag.samples / LAG_SECONDS)} ev/s`, `${lag.p50.toFixed(1)} ms`, `${lag.p99.toFixed(1)} ms`, `${lag.max.toFixed(1)} ms`]]),
    '',
    'Targets: rebuild ≥ 100,000 events/s and ≥ 50% of the ceiling; lag p99 ≤ 100 ms; peak memory flat from 250k to 1M events.',
  ].join('\n');
}

async function measureRebuild(
  events: number,
  options: { userPaths?: boolean } = {},
): Promise<RebuildFigures & { ceiling: number; rowsRead: number; jsonRead: number; userPaths?: { catchUp: RebuildFigures; cluster: ClusterRebuildFigures } }> {
  const namespace = `bench_dm_${events}_${Date.now()}`;
  await runMigrations({ databaseUrl: DATABASE_URL, namespace, extraMigrations: PROJECTION_DAEMON_MIGRATIONS });
  const pool = createEventStorePool({ connectionString: DATABASE_URL, max: 4 });
  try {
    await seedRepositoryEvents(pool, namespace, events, STREAMS);
    const store = new PostgresEventStore({ pool, namespace });
    // The plain serial read, in both encodings a rebuild could use: the faster one is the ceiling.
    const rowsRead = await feedRead(store, 'rows');
    const jsonRead = await feedRead(store, 'json');
    const ceiling = Math.max(rowsRead, jsonRead);
    console.log(`feed read ${fmt(events)}: rows ${fmt(rowsRead)} ev/s, JSON pages ${fmt(jsonRead)} ev/s`);
    // First, while no checkpoint exists: the live agent starts from the beginning of the feed.
    const catchUp = options.userPaths ? await runChild(namespace, 'catch-up') : undefined;
    if (catchUp) console.log(`live catch-up ${fmt(events)}: ${JSON.stringify(catchUp)}`);
    const figures = await runChild(namespace, 'throughput');
    const memory = await runChild(namespace, 'memory');
    console.log(`rebuild ${fmt(events)}: ${JSON.stringify(figures)}, memory run: ${JSON.stringify(memory)}`);
    const cluster = options.userPaths ? await measureClusterRebuild(DATABASE_URL, namespace) : undefined;
    if (cluster) console.log(`rebuild through the admin API ${fmt(events)}: ${JSON.stringify(cluster)}`);
    const userPaths = catchUp && cluster ? { catchUp, cluster } : undefined;
    return { ...figures, peakLiveHeapMb: memory.peakLiveHeapMb, events, ceiling, rowsRead, jsonRead, userPaths };
  } finally {
    await pool.query(`DROP SCHEMA "${namespace}" CASCADE`);
    await pool.end();
  }
}

async function feedRead(store: PostgresEventStore, encoding: 'rows' | 'json'): Promise<number> {
  const started = Date.now();
  let cursor: FeedCursor = FEED_START;
  let count = 0;
  for (;;) {
    const page = await store.readAll({ after: cursor, limit: 5_000, types: activeProjectProjection.eventTypes, encoding });
    count += page.events.length;
    cursor = page.next;
    if (page.caughtUp) break;
  }
  return (count / (Date.now() - started)) * 1000;
}

function runChild(namespace: string, mode: 'throughput' | 'memory' | 'catch-up'): Promise<RebuildFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      // The same heap cap for every size: finishing within it shows memory does not grow with the events.
      [`--max-old-space-size=${HEAP_CAP_MB}`, '--max-semi-space-size=64', '--expose-gc', '-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(__dirname, 'rebuild-child.ts'), namespace, mode],
      { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.json' } },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop() as string)) : reject(new Error(`rebuild child exited ${code}: ${out}`))));
  });
}

async function measureLag(): Promise<{ samples: number; p50: number; p99: number; max: number }> {
  const namespace = `bench_lag_${Date.now()}`;
  await runMigrations({ databaseUrl: DATABASE_URL, namespace, extraMigrations: PROJECTION_DAEMON_MIGRATIONS });
  const pool = createEventStorePool({ connectionString: DATABASE_URL, max: WORKER_POOL_SIZE });
  // The rebuild runs before wrote millions of rows: flush them now rather than during the measurement.
  await pool.query('CHECKPOINT');
  const store = new PostgresEventStore({ pool, namespace });
  // The writers stand for the gateway: another process, with connections of its own.
  const writerPool = createEventStorePool({ connectionString: DATABASE_URL, max: LAG_WRITERS });
  const writerStore = new PostgresEventStore({ pool: writerPool, namespace });
  const committedAt = new Map<number, number>();
  const lags: number[] = [];
  const daemon = new ProjectionDaemon({
    pool,
    store,
    namespace,
    nodeId: 'bench',
    projections: [activeProjectProjection],
    logger: silent,
    onCommitted: (_name, positions) => {
      const now = performance.now();
      for (const position of positions) {
        const at = committedAt.get(position);
        if (at !== undefined) lags.push(now - at);
      }
    },
  });
  const notifications = new FeedNotifications({ databaseUrl: DATABASE_URL, namespace });
  notifications.on('appended', () => daemon.notifyAppended());
  await notifications.start();
  await daemon.start(new Map([[activeProjectProjection.name, await daemon.storage.fence.claim(activeProjectProjection.name, 'bench')]]));
  try {
    const perWriterInterval = (1000 / LAG_RATE) * LAG_WRITERS;
    const deadline = Date.now() + LAG_SECONDS * 1000;
    await Promise.all(
      Array.from({ length: LAG_WRITERS }, async (_, w) => {
        let next = performance.now();
        for (let i = 0; Date.now() < deadline; i++) {
          const result = await writerStore.append(`project-${w}-${i % 500}`, [
            { type: 'CommitPushed', data: { userName: `u${i % 13}`, additions: i % 9, deletions: i % 4 } },
          ]);
          committedAt.set(result.positions[0], performance.now());
          next += perWriterInterval;
          const wait = next - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
      }),
    );
    await daemon.waitForNonStale({ timeoutMs: 10_000 });
  } finally {
    await daemon.stop();
    await notifications.close();
    await writerPool.end();
    await pool.query(`DROP SCHEMA "${namespace}" CASCADE`);
    await pool.end();
  }
  lags.sort((a, b) => a - b);
  const pct = (p: number) => lags[Math.min(lags.length - 1, Math.floor((p / 100) * lags.length))];
  return { samples: lags.length, p50: pct(50), p99: pct(99), max: lags[lags.length - 1] };
}
