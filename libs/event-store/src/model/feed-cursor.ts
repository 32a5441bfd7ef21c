/**
 * A point in the global feed. The feed is ordered by (transactionId, position), not by position
 * alone: positions come from a sequence and are handed out before commit, so concurrent appends
 * commit out of position order. Ordering by the writing transaction's id, and only reading
 * transactions older than the oldest one still running, gives an order in which nothing can
 * appear behind a reader's checkpoint later. docs/architecture.md explains it in full.
 */
export interface FeedCursor {
  readonly transactionId: number;
  readonly position: number;
}

export const FEED_START: FeedCursor = Object.freeze({ transactionId: 0, position: 0 });

export function compareCursors(a: FeedCursor, b: FeedCursor): number {
  return a.transactionId - b.transactionId || a.position - b.position;
}

/** True when a reader at `checkpoint` has already read the event at `event`. */
export function hasReached(checkpoint: FeedCursor, event: FeedCursor): boolean {
  return compareCursors(checkpoint, event) >= 0;
}

export function formatCursor(cursor: FeedCursor): string {
  return `${cursor.transactionId}:${cursor.position}`;
}

export function parseCursor(text: string): FeedCursor {
  const match = /^(\d+):(\d+)$/.exec(text);
  if (!match) throw new RangeError(`Feed cursor must look like "<transactionId>:<position>" (got "${text}")`);
  return { transactionId: Number(match[1]), position: Number(match[2]) };
}
