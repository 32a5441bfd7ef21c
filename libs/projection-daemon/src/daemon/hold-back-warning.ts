import { FeedHoldBack } from '@projectionist/event-store';

export type HoldBackNotice =
  | { readonly kind: 'warn'; readonly heldBack: FeedHoldBack }
  | { readonly kind: 'cleared'; readonly horizon: number };

export interface HoldBackWatch {
  /** The horizon (the holder's transaction id) last warned about, until it moves on. */
  readonly warnedHorizon: number | undefined;
  readonly notice: HoldBackNotice | undefined;
}

/**
 * Whether a refresh should log: a warning once per holding transaction, when the feed has been
 * held back for `warnAfterMs` (brief hold-backs are normal: every write holds the horizon until
 * it commits); and a note when that transaction no longer holds it.
 */
export function watchHoldBack(warnedHorizon: number | undefined, heldBack: FeedHoldBack | null, warnAfterMs: number): HoldBackWatch {
  const stalled = heldBack !== null && heldBack.heldBackMs >= warnAfterMs;
  if (stalled && heldBack.horizon !== warnedHorizon) return { warnedHorizon: heldBack.horizon, notice: { kind: 'warn', heldBack } };
  if (warnedHorizon !== undefined && heldBack?.horizon !== warnedHorizon) {
    return { warnedHorizon: undefined, notice: { kind: 'cleared', horizon: warnedHorizon } };
  }
  return { warnedHorizon, notice: undefined };
}

/** One sentence for logs and error bodies: who holds the feed back, and what to do about it. */
export function describeHoldBack(heldBack: FeedHoldBack): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const waited = `committed events have waited ${seconds(heldBack.heldBackMs)} behind transaction ${heldBack.horizon}`;
  const h = heldBack.holder;
  if (!h) return `The feed is held back: ${waited}, which no visible session holds (a prepared transaction, or a role without pg_read_all_stats); see pg_prepared_xacts.`;
  const age = h.transactionAgeMs === null ? '' : ` for ${seconds(h.transactionAgeMs)}`;
  const others = heldBack.otherHolders.length === 0 ? '' : ` After it, the feed also waits for pid ${heldBack.otherHolders.map((o) => o.pid).join(', ')}.`;
  return (
    `The feed is held back: ${waited} of pid ${h.pid} (application '${h.applicationName}', ${h.state ?? 'unknown state'}${age}). ` +
    `Commit or end it (SELECT pg_terminate_backend(${h.pid})); idle_in_transaction_session_timeout bounds such sessions.${others}`
  );
}
