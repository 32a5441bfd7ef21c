/** The phases of one rebuild run; the last three are final. */
export type RebuildPhase = 'Requested' | 'Stopping' | 'Rebuilding' | 'Restarting' | 'Completed' | 'Failed' | 'Cancelled';

export const FINAL_PHASES: readonly RebuildPhase[] = ['Completed', 'Failed', 'Cancelled'];

/**
 * How a run treats writes: a blocking rebuild holds them at the gateways while it runs. The list
 * is what the API accepts and what a worker can run; a mode is added here once both handle it.
 */
export const REBUILD_MODES = ['blocking'] as const;
export type RebuildMode = (typeof REBUILD_MODES)[number];

export function isRebuildMode(value: unknown): value is RebuildMode {
  return typeof value === 'string' && (REBUILD_MODES as readonly string[]).includes(value);
}

export interface RebuildProgressSnapshot {
  readonly processed: number;
  readonly total: number;
  readonly eventsPerSecond: number;
  readonly etaMs: number | null;
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
  /** The worker executing the run, once one has stopped the projection. */
  readonly worker: string | null;
  /** Until when the worker's lease holds; it renews it with every heartbeat or progress report. */
  readonly leaseExpiresAt: number | null;
  readonly progress: RebuildProgressSnapshot | null;
  readonly failure: RebuildFailure | null;
  /** Every phase entered, with its time (ms since epoch). */
  readonly history: readonly { readonly phase: RebuildPhase; readonly at: number }[];
}

export function isActive(run: RebuildRun): boolean {
  return !FINAL_PHASES.includes(run.phase);
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
