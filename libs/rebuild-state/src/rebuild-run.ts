/**
 * The phases of one rebuild run; the last three are final. A blocking run goes Stopping →
 * Rebuilding → Restarting; an online one Building → CatchingUp → Switching (its projection
 * keeps running until the switch).
 */
export type RebuildPhase =
  | 'Requested'
  | 'Stopping'
  | 'Rebuilding'
  | 'Restarting'
  | 'Building'
  | 'CatchingUp'
  | 'Switching'
  | 'Completed'
  | 'Failed'
  | 'Cancelled';

export const FINAL_PHASES: readonly RebuildPhase[] = ['Completed', 'Failed', 'Cancelled'];

/**
 * How a run treats writes: a blocking rebuild holds them at the gateways while it runs; an online
 * one never does (the projection pauses only for its switch). The list is what the API accepts
 * and what a worker can run; a mode is added here once both handle it.
 */
export const REBUILD_MODES = ['blocking', 'online'] as const;
export type RebuildMode = (typeof REBUILD_MODES)[number];

export function isRebuildMode(value: unknown): value is RebuildMode {
  return typeof value === 'string' && (REBUILD_MODES as readonly string[]).includes(value);
}

/** What the worker says it is doing: blocking replaying, swapping; online building, catching-up, switching. */
export type RebuildWorkerPhase = 'replaying' | 'swapping' | 'building' | 'catching-up' | 'switching';

export interface RebuildProgressSnapshot {
  readonly processed: number;
  readonly total: number;
  readonly eventsPerSecond: number;
  readonly etaMs: number | null;
  /** Online, while building or catching up: positions between the last event applied and the head. */
  readonly distanceToHead?: number | null;
  /** Online, once completed: how long the projection paused for the switch. */
  readonly switchPauseMs?: number | null;
}

export interface RebuildFailure {
  readonly reason: string;
  /** The event the rebuild failed on, when it failed on one. */
  readonly eventPosition: number | null;
}

export interface RebuildRun {
  readonly id: string;
  readonly projection: string;
  readonly mode: RebuildMode;
  readonly phase: RebuildPhase;
  readonly requestedAt: number;
  /** The worker executing the run, once one has reported it started (stopped the projection, if blocking). */
  readonly worker: string | null;
  /** Until when the worker's lease holds; it renews it with every heartbeat or progress report. */
  readonly leaseExpiresAt: number | null;
  readonly progress: RebuildProgressSnapshot | null;
  readonly failure: RebuildFailure | null;
  /** Every phase entered, with its time (ms since epoch). */
  readonly history: readonly { readonly phase: RebuildPhase; readonly at: number }[];
  /**
   * Online: each time the run's worker went silent and the run waited for the next lease holder
   * to resume it from its checkpoint (absent on runs recorded before resumes existed).
   */
  readonly resumes?: readonly RebuildResume[];
  /**
   * A partitioned online run: the build up to the head split by stream over workers, each
   * partition with its worker, lease and progress (absent on runs that are not partitioned).
   * While Building, the run's progress is the sum of theirs.
   */
  readonly partitions?: readonly RebuildPartition[];
}

/** One partition of a partitioned run's build. */
export interface RebuildPartition {
  readonly index: number;
  /** The worker building it; null while it waits for one (not assigned yet, or its worker was lost). */
  readonly worker: string | null;
  readonly leaseExpiresAt: number | null;
  readonly progress: RebuildProgressSnapshot | null;
  /** Built up to the run's target. */
  readonly done: boolean;
  /** Workers lost while building it; each next one resumed it from the partition's checkpoint. */
  readonly losses: number;
}

/** The most partitions a run may be split into. */
export const MAX_REBUILD_PARTITIONS = 16;

/** A worker lost mid-run, and who took the run over (from its checkpoint), once someone did. */
export interface RebuildResume {
  readonly phase: RebuildPhase;
  readonly lostWorker: string;
  readonly lostAt: number;
  /** What the run had reported processed when its worker went silent. */
  readonly processedAtLoss: number | null;
  readonly resumedBy: string | null;
  readonly resumedAt: number | null;
}

export function isActive(run: RebuildRun): boolean {
  return !FINAL_PHASES.includes(run.phase);
}

/** The phases of an online run in order: its progress only ever moves forward through them. */
export const ONLINE_PHASES: readonly RebuildPhase[] = ['Building', 'CatchingUp', 'Switching'];

/**
 * A dispatched run no worker has taken yet, or an online one whose worker was lost: the
 * coordinator keeps asking the workers for it (the lease holder takes it, resuming online).
 */
export function awaitsWorker(run: Pick<RebuildRun, 'mode' | 'phase' | 'worker'>): boolean {
  return run.mode === 'online' ? ONLINE_PHASES.includes(run.phase) && run.worker === null : run.phase === 'Stopping';
}

/**
 * The active runs as of one version of the durable state. `version` grows with every change to
 * any run (PostgreSQL keeps it in the same transaction), so a copy of the snapshot held elsewhere
 * (Redis) can be checked against the durable state by comparing one number.
 */
export interface RebuildStateSnapshot {
  readonly version: number;
  readonly runs: RebuildRun[];
}
