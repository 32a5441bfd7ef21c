import type { EventStore } from '@projectionist/event-store';
import type { Projection } from '@projectionist/projections';
import type { Pool } from 'pg';
import type { AgentLogger } from '../agent/projection-agent';
import { BackpressureLimits, DEFAULT_BACKPRESSURE } from '../subscription/backpressure';

export interface ProjectionDaemonOptions {
  readonly pool: Pool;
  readonly store: EventStore;
  readonly namespace: string;
  readonly nodeId: string;
  readonly projections: readonly Projection[];
  readonly logger: AgentLogger;
  readonly tuning?: Partial<DaemonTuning>;
  /**
   * What a lease is taken on: `projection` (default, HotCold: one writer per projection name) or
   * `version` (distributed: one per agent, `CarView@2`, so that nodes running different versions of
   * a projection each build and update their own version's table at the same time).
   */
  readonly leases?: 'projection' | 'version';
  /** Observes every committed batch of the live agents (benchmarks, tests, metrics). */
  readonly onCommitted?: (projection: string, positions: readonly number[]) => void;
}

export interface DaemonTuning {
  /** Events per feed read while following the head. */
  readonly pageSize: number;
  /** Events per feed read and per transaction during a rebuild. */
  readonly rebuildPageSize: number;
  readonly rebuildCommitEvery: number;
  /**
   * How a rebuild's pages travel (see ReadAllOptions.encoding). `json` by default: a replay is
   * bound by this process's one thread, and packed pages move most decoding into the database.
   */
  readonly rebuildFeedEncoding: 'rows' | 'json';
  /**
   * Following the head, a projection commits as soon as nothing more is staged (latency); while
   * it catches up on a backlog it keeps applying pages into one transaction up to this many events.
   */
  readonly liveCommitEvery: number;
  readonly backpressure: BackpressureLimits;
  /** Fallback poll when no NOTIFY arrives. */
  readonly pollIntervalMs: number;
  /**
   * Following the head, a projection reads the feed at most once per this many ms. Under a steady
   * stream of appends nearly every commit sends a notification; reading on each one costs a query
   * per event or two, and on a small machine that CPU is what delays the reads that matter.
   */
  readonly liveReadGapMs: number;
  /** How often progress is refreshed, published and written for other apps. */
  readonly progressIntervalMs: number;
  /**
   * How long a rebuild's swap waits for the locks on the live table. Its DDL queues every reader
   * of the table behind it, so a reader holding the table (a long report) fails the swap instead.
   */
  readonly swapLockTimeoutMs: number;
  /** Log a warning once an open transaction has held the feed back this long. */
  readonly heldBackWarnMs: number;
  /**
   * An online rebuild's builder (and each partition's) applies at most this many events a second;
   * 0, the default, sets no cap. The live table keeps serving and the writes go on during an online
   * rebuild, and on a machine whose cores the rebuild would take they slow down; capped, the
   * rebuild takes longer and leaves them room.
   */
  readonly onlineRebuildMaxEventsPerSecond: number;
  /** How long the table an online rebuild retired is kept for a rollback. */
  readonly keepPreviousMs: number;
  /** Test only: how long an online rebuild's switch waits before its swap, so that a test can kill a worker mid-switch; 0 otherwise. */
  readonly testSwitchDelayMs: number;
}

export const DEFAULT_DAEMON_TUNING: DaemonTuning = {
  pageSize: 500,
  rebuildPageSize: 5_000,
  // Document projections hold documents, not events, between commits: large is cheap.
  rebuildCommitEvery: 250_000,
  rebuildFeedEncoding: 'json',
  liveCommitEvery: 5_000,
  backpressure: DEFAULT_BACKPRESSURE,
  pollIntervalMs: 1_000,
  liveReadGapMs: 10,
  progressIntervalMs: 1_000,
  swapLockTimeoutMs: 5_000,
  heldBackWarnMs: 10_000,
  onlineRebuildMaxEventsPerSecond: 0,
  keepPreviousMs: 3_600_000,
  testSwitchDelayMs: 0,
};
