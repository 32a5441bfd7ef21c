/**
 * A worker for the online-rebuild benchmark, in a process of its own: runs the daemon on
 * ActiveProject (following the head), says `ready`, waits `idleMs` (the writes' "before"), then
 * runs `count` rebuilds in `mode` one after the other, printing one JSON line per step.
 */
import { activeProjectProjection } from '@projectionist/projections';
import { RebuildBenchWorker, say } from './rebuild-bench-worker';

async function main(): Promise<void> {
  const [namespace, mode, count, idleMs] = [process.argv[2], process.argv[3] as 'blocking' | 'online', Number(process.argv[4]), Number(process.argv[5])];
  const worker = new RebuildBenchWorker(namespace, 'bench');
  await worker.followHead(idleMs);
  for (let i = 0; i < count; i++) {
    say({ step: 'rebuild-start' });
    const started = Date.now();
    const result = await worker.daemon.rebuild(activeProjectProjection.name, { mode });
    if (result.status !== 'completed') throw new Error(`rebuild ${result.status}: ${JSON.stringify(result)}`);
    say({ step: 'rebuild-end', durationMs: Date.now() - started, processed: result.processed, switchPauseMs: result.switchPauseMs ?? null });
  }
  await worker.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
