/**
 * Committed events the feed cannot hand out yet, because a transaction older than them is still
 * running somewhere on the database server. The feed reads only below the oldest running
 * transaction (the readable horizon), so one session left idle in a transaction stops every
 * reader of every namespace until it ends. docs/operations.md says how to find and end it.
 */
export interface FeedHoldBack {
  /** The readable horizon: the id of the oldest transaction still running on the server. */
  readonly horizon: number;
  /** The first committed event, in feed order, that waits behind the horizon. */
  readonly firstWaitingPosition: number;
  /** When that event was written: the feed has been held back since then. */
  readonly since: string;
  /** How long the feed has been held back, in ms, when this was measured. */
  readonly heldBackMs: number;
  /** The session whose transaction is the horizon; null when it is not visible (ended meanwhile, a prepared transaction, or a role without pg_read_all_stats). */
  readonly holder: FeedHolder | null;
  /**
   * Other sessions whose transactions are older than the last waiting event, oldest first (at
   * most a few): once the holder ends, the feed still waits for these.
   */
  readonly otherHolders: readonly FeedHolder[];
}

/** A server session as pg_stat_activity shows it. */
export interface FeedHolder {
  readonly pid: number;
  readonly applicationName: string;
  readonly user: string | null;
  readonly database: string | null;
  readonly clientAddress: string | null;
  /** `idle in transaction`, `active`, … */
  readonly state: string | null;
  readonly transactionStartedAt: string | null;
  readonly transactionAgeMs: number | null;
  /** The start of the session's last statement. */
  readonly query: string | null;
}
