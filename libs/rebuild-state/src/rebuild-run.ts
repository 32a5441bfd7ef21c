/** The phases of one rebuild run; the last three are final. */
export type RebuildPhase = 'Requested' | 'Stopping' | 'Rebuilding' | 'Restarting' | 'Completed' | 'Failed' | 'Cancelled';

export const FINAL_PHASES: readonly RebuildPhase[] = ['Completed', 'Failed', 'Cancelled'];

/** A blocking rebuild holds writes at the gateways while it runs; online ones come later. */
export type RebuildMode = 'blocking';

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
