import { formatDuration } from '../logic/format';
import type { HeldBackView } from '../logic/held-back-view';

/**
 * On the projections screen while a session of any application keeps a transaction open and
 * with it the feed: it names the session, so an operator can end it (docs/operations.md).
 */
export function HeldBackBanner({ view }: { view: HeldBackView | undefined }) {
  if (!view) return null;
  const { heldBack, waiting } = view;
  const h = heldBack.holder;
  const others = heldBack.otherHolders ?? [];
  return (
    <div className="held-back-banner" role="alert" data-testid="held-back-banner">
      <strong>
        <span aria-hidden="true">⚠ </span>The feed has been held back for {formatDuration(heldBack.heldBackMs)}
      </strong>{' '}
      by an open transaction (id {heldBack.horizon}) on the database server:{' '}
      {h ? (
        <>
          <b>pid {h.pid}</b> (application &apos;{h.applicationName || 'unnamed'}&apos;, {h.state ?? 'unknown state'}
          {h.transactionAgeMs !== null && `, transaction open ${formatDuration(h.transactionAgeMs)}`}).
        </>
      ) : (
        <>no visible session (a prepared transaction, or a database role without pg_read_all_stats).</>
      )}{' '}
      {waiting.join(', ')} wait until it ends.
      {h && (
        <>
          {' '}
          Commit it, or end it with <code>SELECT pg_terminate_backend({h.pid})</code>.
          {others.length > 0 && ` After it, the feed also waits for pid ${others.map((o) => o.pid).join(', ')}.`}
          {h.query && <span className="held-back-query">Its last statement: <code>{h.query}</code></span>}
        </>
      )}
    </div>
  );
}
