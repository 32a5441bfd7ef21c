/**
 * A worker for the partitioned part of the online-rebuild benchmark, in a process of its own.
 * `owner`: runs the daemon on ActiveProject (following the head), says `ready`, waits `idleMs`,
 * then runs one partitioned online rebuild (run `runId`, split in `partitions`) and builds its
 * last partition itself, as the coordinator would give the owner one; prints one JSON line per
 * step. `helper <index>`: builds partition `index` of that run as soon as the owner created it.
 */
import { activeProjectProjection } from '@projectionist/projections';
import { RebuildBenchWorker, say } from './rebuild-bench-worker';

const name = activeProjectProjection.name;
// The owner's live agent replays the whole store before the rebuild begins: helpers wait that long.
const WAIT_FOR_PARTITION_MS = 30 * 60_000;

async function main(): Promise<void> {
  const [namespace, role, runId, partitions, index, idleMs] = [process.argv[2], process.argv[3], process.argv[4], Number(process.argv[5]), Number(process.argv[6]), Number(process.argv[7])];
  const worker = new RebuildBenchWorker(namespace, `bench-${role}-${index}`);
  const { daemon } = worker;
  const partition = async (i: number) => {
    const started = Date.now();
    const result = await daemon.rebuildPartition(name, { runId, partition: i, partitions, waitForPartitionMs: WAIT_FOR_PARTITION_MS });
    if (result.status !== 'completed') throw new Error(`partition ${i} ${result.status}: ${JSON.stringify(result)}`);
    say({ step: 'partition-end', partition: i, processed: result.processed, durationMs: Date.now() - started });
  };
  if (role === 'helper') {
    await partition(index);
  } else {
    await worker.followHead(idleMs);
    say({ step: 'rebuild-start' });
    const started = Date.now();
    let builtAt: number | undefined;
    const watch = setInterval(() => {
      if (builtAt === undefined && daemon.progress()[0].rebuild?.phase === 'catching-up') builtAt = Date.now();
    }, 10);
    const [result] = await Promise.all([daemon.rebuild(name, { mode: 'online', runId, partitions }), partition(partitions - 1)]);
    clearInterval(watch);
    if (result.status !== 'completed') throw new Error(`rebuild ${result.status}: ${JSON.stringify(result)}`);
    say({ step: 'rebuild-end', durationMs: Date.now() - started, builtMs: (builtAt ?? Date.now()) - started, processed: result.processed, switchPauseMs: result.switchPauseMs ?? null });
  }
  await worker.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
