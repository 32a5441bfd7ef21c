import type { RebuildRun, RebuildStateSnapshot } from '@projectionist/rebuild-state';

/** The Nest token of a node's one RebuildBoardPort (provided by rebuild-coordinator's RebuildRunsModule). */
export const REBUILD_BOARD = Symbol('REBUILD_BOARD');

/** `live`: answers come from the local copy kept by broadcasts; `fallback`: from the durable store. */
export type BoardStatus = 'live' | 'fallback';

/**
 * The shared state of active rebuilds, as the coordinator (publish) and the gateways (active,
 * `changed`) use it. Error policy: publishing never hangs and never queues; while the shared
 * store is unreachable it fails at once with RebuildBoardUnavailableError and the caller goes on.
 * Reads never guess: while not live they come from the durable fallback (PostgreSQL). When a board
 * starts or reconnects it loads the shared snapshot, but keeps it only if its version is the
 * durable state's version (one cheap read); a missing, older or unreadable snapshot loses to a
 * read of the durable state.
 *
 * Implementations: `RebuildBoard` (keyv + Redis pub/sub) and `InMemoryRebuildBoard`
 * (`@projectionist/shared-cache/testing`), both held to `rebuildBoardContract`.
 */
export interface RebuildBoardPort {
  readonly isLive: boolean;
  /** Connects in the background: a node starts (in fallback) while the shared store is down. */
  start(): Promise<void>;
  close(): Promise<void>;
  /** Stores the snapshot, then tells every node; a node ignores one older than what it holds. */
  publish(snapshot: RebuildStateSnapshot): Promise<void>;
  /** The active runs: the local copy while live, else the durable fallback (cached briefly). */
  active(): Promise<RebuildRun[]>;
  on(event: 'changed', listener: (runs: RebuildRun[]) => void): this;
  on(event: 'status', listener: (status: BoardStatus) => void): this;
  off(event: 'changed', listener: (runs: RebuildRun[]) => void): this;
  off(event: 'status', listener: (status: BoardStatus) => void): this;
}

/** How a board reads the durable truth, and how long it reuses that answer. */
export interface RebuildBoardFallback {
  /** The durable truth (PostgreSQL) with its version, read when the shared copy cannot be trusted. */
  readonly fallback: () => Promise<RebuildStateSnapshot>;
  /** The durable version alone: what a shared snapshot must match to be used. */
  readonly version: () => Promise<number>;
  /** How long a fallback answer is reused; default 250 ms. */
  readonly fallbackTtlMs?: number;
}
