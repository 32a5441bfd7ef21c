import type { FeedHeldBackItem, ProjectionItem } from '../api/admin-types';

/**
 * Brief hold-backs are normal: every writing transaction holds the feed until it commits, and the
 * worker measures about once a second. The banner is for a session that stays in the way.
 */
export const HELD_BACK_BANNER_MS = 2_000;

export interface HeldBackView {
  readonly heldBack: FeedHeldBackItem;
  /** The projections that wait, by name. */
  readonly waiting: readonly string[];
}

/** The longest hold-back any projection reports, if it has lasted long enough to show. */
export function heldBackView(projections: readonly ProjectionItem[]): HeldBackView | undefined {
  const held = projections.filter((p) => p.heldBack && p.heldBack.heldBackMs >= HELD_BACK_BANNER_MS);
  if (held.length === 0) return undefined;
  const longest = held.reduce((a, b) => ((b.heldBack as FeedHeldBackItem).heldBackMs > (a.heldBack as FeedHeldBackItem).heldBackMs ? b : a));
  return { heldBack: longest.heldBack as FeedHeldBackItem, waiting: held.map((p) => p.name).sort() };
}
