import { RebuildFailure, RebuildPartition, RebuildProgressSnapshot, RebuildRun } from './rebuild-run';

/** What the coordinator is told about a partitioned run's partitions. */
export type PartitionCommand =
  /** The coordinator gives each partition waiting for a worker to one of `workers` (the live ones, in the order to prefer). */
  | { readonly kind: 'AssignPartitions'; readonly workers: readonly string[] }
  /** A worker took its partition (or resumed it from its checkpoint). */
  | { readonly kind: 'PartitionStarted'; readonly worker: string; readonly partition: number }
  /** Progress and the partition's lease heartbeat; `done`: built up to the target. */
  | { readonly kind: 'PartitionProgress'; readonly worker: string; readonly partition: number; readonly progress: RebuildProgressSnapshot; readonly done: boolean }
  | { readonly kind: 'PartitionFailed'; readonly worker: string; readonly partition: number; readonly failure: RebuildFailure };

export type PartitionTransition =
  | { readonly kind: 'PartitionAssigned'; readonly at: number; readonly partition: number; readonly worker: string; readonly leaseUntil: number }
  | { readonly kind: 'PartitionReported'; readonly at: number; readonly partition: number; readonly worker: string; readonly leaseUntil: number; readonly progress?: RebuildProgressSnapshot; readonly done?: boolean }
  /** Its worker went silent: the partition waits for another, which resumes it from its checkpoint. */
  | { readonly kind: 'PartitionLost'; readonly at: number; readonly partition: number; readonly worker: string };

/** The partitions of a new run: none unless it is split in two or more. */
export function newPartitions(count: number | undefined): RebuildPartition[] | undefined {
  if (!count || count < 2) return undefined;
  return Array.from({ length: count }, (_, index) => ({ index, worker: null, leaseExpiresAt: null, progress: null, done: false, losses: 0 }));
}

/**
 * The partitions to hand out now: a partitioned run in Building whose owner has taken it (it
 * creates the partitions with the new table), with partitions neither built nor assigned.
 */
export function partitionsAwaitingWorker(run: Pick<RebuildRun, 'phase' | 'worker' | 'partitions'>): RebuildPartition[] {
  if (run.phase !== 'Building' || run.worker === null) return [];
  return (run.partitions ?? []).filter((p) => p.worker === null && !p.done);
}

/**
 * Each waiting partition goes to the worker building the fewest partitions of this run, the
 * run's owner last among equals (it also runs the projection's live agent, and the catch-up after).
 */
export function assignPartitions(run: RebuildRun, workers: readonly string[], now: number, leaseTimeoutMs: number): PartitionTransition[] {
  if (workers.length === 0) return [];
  const load = new Map(workers.map((w) => [w, 0]));
  for (const p of run.partitions ?? []) if (p.worker !== null && !p.done && load.has(p.worker)) load.set(p.worker, (load.get(p.worker) ?? 0) + 1);
  const order = [...workers.filter((w) => w !== run.worker), ...workers.filter((w) => w === run.worker)];
  return partitionsAwaitingWorker(run).map((p) => {
    const worker = order.reduce((best, w) => ((load.get(w) ?? 0) < (load.get(best) ?? 0) ? w : best), order[0]);
    load.set(worker, (load.get(worker) ?? 0) + 1);
    return { kind: 'PartitionAssigned', at: now, partition: p.index, worker, leaseUntil: now + leaseTimeoutMs };
  });
}

/** A report about partition `index` from `worker`: the partition must exist and be that worker's, or nobody's (it takes it). */
export function partitionOf(run: RebuildRun, index: number, worker: string): RebuildPartition | string {
  const partition = run.partitions?.[index];
  if (!partition) return `Rebuild ${run.id} has no partition ${index}`;
  if (run.phase !== 'Building') return `Rebuild ${run.id} is ${run.phase}: its partitions are built`;
  if (partition.worker !== null && partition.worker !== worker) return `Partition ${index} of rebuild ${run.id} is built by ${partition.worker}, not ${worker}`;
  return partition;
}

/** Partitions whose worker stopped renewing their lease. */
export function lostPartitions(run: RebuildRun, now: number): PartitionTransition[] {
  if (run.phase !== 'Building') return [];
  return (run.partitions ?? [])
    .filter((p) => !p.done && p.worker !== null && p.leaseExpiresAt !== null && now >= p.leaseExpiresAt)
    .map((p) => ({ kind: 'PartitionLost', at: now, partition: p.index, worker: p.worker as string }));
}

export function evolvePartitions(run: RebuildRun, t: PartitionTransition): RebuildRun {
  const partitions = (run.partitions ?? []).map((p) => (p.index === t.partition ? evolvePartition(p, t) : p));
  // While Building, the run's progress is its partitions' (the owner only waits for them).
  return { ...run, partitions, progress: run.phase === 'Building' ? sumOf(partitions) ?? run.progress : run.progress };
}

function evolvePartition(p: RebuildPartition, t: PartitionTransition): RebuildPartition {
  switch (t.kind) {
    case 'PartitionAssigned':
      return { ...p, worker: t.worker, leaseExpiresAt: t.leaseUntil };
    case 'PartitionReported':
      return { ...p, worker: t.worker, leaseExpiresAt: t.done ? null : t.leaseUntil, progress: t.progress ?? p.progress, done: p.done || t.done === true };
    case 'PartitionLost':
      return { ...p, worker: null, leaseExpiresAt: null, losses: p.losses + 1 };
  }
}

function sumOf(partitions: readonly RebuildPartition[]): RebuildProgressSnapshot | null {
  const reported = partitions.filter((p) => p.progress !== null);
  if (reported.length === 0) return null;
  const sum = (f: (s: RebuildProgressSnapshot) => number) => reported.reduce((total, p) => total + f(p.progress as RebuildProgressSnapshot), 0);
  const etas = partitions.map((p) => (p.done ? 0 : (p.progress?.etaMs ?? null)));
  return {
    processed: sum((s) => s.processed),
    total: sum((s) => s.total),
    eventsPerSecond: sum((s) => s.eventsPerSecond),
    // The build ends with its slowest partition; unknown while any running one cannot say.
    etaMs: etas.includes(null) ? null : Math.max(...(etas as number[])),
  };
}
