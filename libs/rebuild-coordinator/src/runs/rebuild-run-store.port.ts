import type { RebuildCommand, RebuildRun, RebuildStateSnapshot, RebuildTransition } from '@projectionist/rebuild-state';

/**
 * Durable rebuild runs: the state machine decides, the store keeps each decision with the phase
 * history, and at most one active run per projection.
 *
 * Implementations: `RebuildRunStore` (PostgreSQL) and `InMemoryRebuildRunStore`
 * (`@projectionist/rebuild-coordinator/testing`), both held to `rebuildRunStoreContract`.
 */
export interface RebuildRunStorePort {
  /** Starts a run; RebuildRejected (REBUILD_ALREADY_RUNNING, with its id) when one is active. */
  request(command: Extract<RebuildCommand, { kind: 'Request' }>, now?: number): Promise<RebuildRun>;
  /** Applies a command to a run; RebuildRejected when the machine refuses it, RangeError for an unknown id. */
  apply(id: string, command: Exclude<RebuildCommand, { kind: 'Request' }>, now?: number): Promise<{ run: RebuildRun; transitions: RebuildTransition[] }>;
  get(id: string): Promise<RebuildRun | undefined>;
  /** Phase changes of a run in order, with their times (ms since epoch). */
  history(id: string): Promise<{ phase: string; at: number }[]>;
  /** The latest runs first. */
  list(limit?: number): Promise<RebuildRun[]>;
  /** Runs not yet ended: the durable truth the write-guard falls back to when Redis is down. */
  active(): Promise<RebuildRun[]>;
  /** The active runs and the version they are as of, read together: what the coordinator shares. */
  snapshot(): Promise<RebuildStateSnapshot>;
  /** The version alone, grown by every change to any run: a cheap check of a shared snapshot. */
  version(): Promise<number>;
}

/** The Nest token of the node's one RebuildRunStorePort (see RebuildRunsModule). */
export const REBUILD_RUN_STORE = Symbol('REBUILD_RUN_STORE');
