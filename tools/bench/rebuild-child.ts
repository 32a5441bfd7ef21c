/**
 * Runs one rebuild of ActiveProject in a process of its own, as a worker would, and prints its
 * figures as JSON: the parent measures memory without its own heap in the way.
 */
import { createEventStorePool, PostgresEventStore } from '@projectionist/event-store';
import { ProjectionDaemon } from '@projectionist/projection-daemon';
import { activeProjectProjection } from '@projectionist/projections';

async function main(): Promise<void> {
  const namespace = process.argv[2];
  // 'memory': a full collection every 100 ms to see what is really held (slows the rebuild down).
  const measureLiveHeap = process.argv[3] === 'memory';
  // 'catch-up': no rebuild; the live agent starts from the beginning of the feed, as a new or
  // long-stopped projection does, and is timed until it has caught up.
  const catchUp = process.argv[3] === 'catch-up';
  const pool = createEventStorePool({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', max: 6 });
  const store = new PostgresEventStore({ pool, namespace });
  const silent = { log: () => undefined, warn: () => undefined, error: (m: unknown) => console.error(m) };
  const daemon = new ProjectionDaemon({ pool, store, namespace, nodeId: 'bench', projections: [activeProjectProjection], logger: silent });
  // The live slot starts at the head, so only the rebuild replays the feed.
  const head = await store.readHead();
  if (!catchUp) await pool.query(
    `INSERT INTO "${namespace}".projection_checkpoints (projection, version, slot, cursor_tx, cursor_pos, last_position) VALUES ($1, $2, 'live', $3, $4, $5)
     ON CONFLICT (projection, version, slot) DO UPDATE SET cursor_tx = EXCLUDED.cursor_tx, cursor_pos = EXCLUDED.cursor_pos, last_position = EXCLUDED.last_position`,
    [activeProjectProjection.name, activeProjectProjection.version, head.readableCursor.transactionId, head.readableCursor.position, head.lastPosition],
  );
  await daemon.start(new Map([[activeProjectProjection.name, await daemon.storage.fence.claim(activeProjectProjection.name, 'bench')]]));
  const mb = (n: number) => Math.round(n / 2 ** 20);
  const baselineRss = process.memoryUsage().rss;
  let peakRss = baselineRss;
  let peakHeap = process.memoryUsage().heapUsed;
  let peakLiveHeap = 0;
  const collect = (globalThis as { gc?: () => void }).gc;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 50);
  // What is really held: the heap right after a full collection.
  const liveSampler = setInterval(() => {
    if (!measureLiveHeap || !collect) return;
    collect();
    peakLiveHeap = Math.max(peakLiveHeap, process.memoryUsage().heapUsed);
  }, 100);
  const started = Date.now();
  const result = catchUp ? await caughtUp(daemon, store, head.lastPosition) : await daemon.rebuild(activeProjectProjection.name);
  const durationMs = Date.now() - started;
  clearInterval(sampler);
  clearInterval(liveSampler);
  await daemon.stop();
  await pool.end();
  if (result.status !== 'completed') throw new Error(`rebuild ${result.status}: ${JSON.stringify(result)}`);
  console.log(JSON.stringify({ processed: result.processed, durationMs, peakRssMb: mb(peakRss), peakHeapMb: mb(peakHeap), peakLiveHeapMb: mb(peakLiveHeap), baselineRssMb: mb(baselineRss) }));
}

/** Waits until the live agent has applied every event seeded before the start. */
async function caughtUp(daemon: ProjectionDaemon, store: PostgresEventStore, lastPosition: number): Promise<{ status: string; processed: number }> {
  await daemon.waitForNonStale({ position: lastPosition, timeoutMs: 30 * 60_000 });
  return { status: 'completed', processed: await store.countEvents(activeProjectProjection.eventTypes) };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
