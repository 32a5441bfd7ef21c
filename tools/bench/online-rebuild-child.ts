/**
 * A worker for the online-rebuild benchmark, in a process of its own: runs the daemon on
 * ActiveProject (following the head), says `ready`, waits `idleMs` (the writes' "before"), then
 * runs `count` rebuilds in `mode` one after the other, printing one JSON line per step.
 */
import { createEventStorePool, FeedNotifications, PostgresEventStore } from '@projectionist/event-store';
import { ProjectionDaemon } from '@projectionist/projection-daemon';
import { activeProjectProjection } from '@projectionist/projections';

async function main(): Promise<void> {
  const [namespace, mode, count, idleMs] = [process.argv[2], process.argv[3] as 'blocking' | 'online', Number(process.argv[4]), Number(process.argv[5])];
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const pool = createEventStorePool({ connectionString: databaseUrl, max: 10 });
  const store = new PostgresEventStore({ pool, namespace });
  const silent = { log: () => undefined, warn: () => undefined, error: (m: unknown) => console.error(m) };
  const daemon = new ProjectionDaemon({ pool, store, namespace, nodeId: 'bench', projections: [activeProjectProjection], logger: silent });
  const notifications = new FeedNotifications({ databaseUrl, namespace });
  notifications.on('appended', () => daemon.notifyAppended());
  await notifications.start();
  await daemon.start(new Map([[activeProjectProjection.name, await daemon.storage.fence.claim(activeProjectProjection.name, 'bench')]]));
  await daemon.waitForNonStale({ timeoutMs: 600_000 });
  const say = (line: object) => console.log(JSON.stringify({ at: Date.now(), ...line }));
  say({ step: 'ready' });
  await new Promise((resolve) => setTimeout(resolve, idleMs));
  for (let i = 0; i < count; i++) {
    say({ step: 'rebuild-start' });
    const started = Date.now();
    const result = await daemon.rebuild(activeProjectProjection.name, { mode });
    if (result.status !== 'completed') throw new Error(`rebuild ${result.status}: ${JSON.stringify(result)}`);
    say({ step: 'rebuild-end', durationMs: Date.now() - started, processed: result.processed, switchPauseMs: result.switchPauseMs ?? null });
  }
  await daemon.stop();
  await notifications.close();
  await pool.end();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
