import { FeedCursor, FeedHead, FeedHoldBack, hasReached } from '@projectionist/event-store';

/** What the daemon knows of one projection when it reports progress. */
export interface LagInput {
  /** The agent's feed cursor; undefined while no agent runs (stopped, error, rebuilding). */
  readonly cursor: FeedCursor | undefined;
  /** The agent's last page was short: it has read everything up to the readable horizon. */
  readonly caughtUp: boolean;
  readonly lastPosition: number;
  /** When the newest applied event was written (ms since epoch). */
  readonly lastEventAt: number | undefined;
}

/** The feed as the last progress refresh saw it. */
export interface FeedView {
  readonly head: FeedHead | undefined;
  readonly heldBack: FeedHoldBack | null;
}

export interface ProjectionLag {
  readonly lagEvents: number;
  readonly lagMs: number;
  /** Why a caught-up projection is still behind: the hold-back, while it lasts. */
  readonly heldBack: FeedHoldBack | null;
}

const NO_LAG: ProjectionLag = { lagEvents: 0, lagMs: 0, heldBack: null };

/**
 * Lag is measured from the head of the events table, not from the readable horizon. A short
 * page only says the agent has read up to the horizon; while an older transaction stays open,
 * committed events wait past it, and the projection is behind them however short its pages are.
 */
export function projectionLag(input: LagInput, feed: FeedView, now: number): ProjectionLag {
  const head = feed.head;
  if (!head) return NO_LAG;
  if (input.cursor && hasReached(input.cursor, head.lastCursor)) return NO_LAG;
  const byPosition = Math.max(0, head.lastPosition - input.lastPosition);
  // With an agent that has not reached the last event there is at least one event to apply,
  // even when positions (handed out before commit) say otherwise.
  const lagEvents = input.cursor ? Math.max(1, byPosition) : byPosition;
  if (lagEvents === 0) return NO_LAG;
  const sinceLastEvent = input.lastEventAt === undefined ? 0 : Math.max(0, now - input.lastEventAt);
  // Caught up with the horizon, the oldest unapplied event is the first one waiting behind it.
  const lagMs = input.caughtUp && feed.heldBack ? feed.heldBack.heldBackMs : sinceLastEvent;
  return { lagEvents, lagMs, heldBack: feed.heldBack };
}
