import { Pool } from 'pg';
import { FEED_START } from '../model/feed-cursor';
import { FeedPage, ReadAllOptions } from '../model/feed-page';
import { RecordedEvent } from '../model/recorded-event';
import { EventUpcaster } from './event-row';
import { statementName } from './identifiers';

/**
 * One page of the gap-free feed, in one statement.
 *
 * `horizon` is the snapshot's xmin: the oldest transaction still running. Only events of older
 * transactions are read; every one of those has ended, so the set can never grow, and any later
 * commit has transaction_id >= horizon and sorts after the cursor. pg_current_snapshot() returns
 * the statement's own snapshot, the one the scan reads with, so both agree on what has ended.
 * The LEFT JOIN returns the horizon even when the page is empty. `pending` says that committed
 * events exist at or past the horizon, waiting only for an older transaction to end. Its single outer row makes the
 * rows come out in the inner ORDER BY; `inFeedOrder` checks that instead of trusting it.
 */
export async function readFeedPage(
  pool: Pool,
  schema: string,
  options: ReadAllOptions & { limit: number },
  upcaster?: EventUpcaster,
): Promise<FeedPage> {
  const after = options.after ?? FEED_START;
  const filters: string[] = [];
  const values: unknown[] = [after.transactionId, after.position, options.limit];
  if (options.types?.length) {
    values.push(options.types);
    filters.push(`AND e.type = ANY ($${values.length}::text[])`);
  }
  if (options.categories?.length) {
    values.push(options.categories);
    filters.push(`AND e.category = ANY ($${values.length}::text[])`);
  }
  const text = `
    SELECT h.horizon, ${FEED_COLUMNS}, h.pending
      FROM (SELECT x.horizon, (SELECT max(transaction_id) FROM ${schema}.events) >= x.horizon AS pending
              FROM (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS horizon) x) h
    LEFT JOIN LATERAL (
      SELECT e.* FROM ${schema}.events e
       WHERE (e.transaction_id, e.position) > ($1::text::xid8, $2::bigint) AND e.transaction_id < h.horizon
       ${filters.join(' ')}
       ORDER BY e.transaction_id, e.position LIMIT $3
    ) page ON true`;
  // Rows as arrays: one object per event (the RecordedEvent) instead of two.
  const { rows: raw } = await pool.query<unknown[]>({ name: statementName(text), text, values, rowMode: 'array' });
  const horizon = raw[0][0] as number;
  const pending = raw[0][11] === true;
  const events = raw[0][1] === null ? [] : inFeedOrder(raw.map((r) => fromFeedRow(r, upcaster)));
  const caughtUp = events.length < options.limit;
  const last = events[events.length - 1];
  // A short page saw everything older than the horizon, so the reader may move up to it.
  const next = caughtUp
    ? horizon > after.transactionId
      ? { transactionId: horizon, position: 0 }
      : after
    : { transactionId: last.transactionId, position: last.position };
  return { events, next, caughtUp, pending: caughtUp && pending };
}

const FEED_COLUMNS =
  'page.position, page.transaction_id, page.stream_id, page.stream_version, page.category, page.event_id, page.type, page.data, page.metadata, page.created_at';

function fromFeedRow(r: unknown[], upcaster?: EventUpcaster): RecordedEvent {
  let type = r[7] as string;
  let data = r[8];
  const metadata = r[9] as RecordedEvent['metadata'];
  if (upcaster) ({ type, data } = upcaster.upcast({ type, data, schemaVersion: metadata.schemaVersion ?? 1 }));
  return {
    id: r[6] as string,
    streamId: r[3] as string,
    streamVersion: r[4] as number,
    position: r[1] as number,
    transactionId: r[2] as number,
    category: r[5] as string,
    type,
    data,
    metadata,
    createdAt: r[10] as Date,
  };
}

function inFeedOrder(events: RecordedEvent[]): RecordedEvent[] {
  for (let i = 1; i < events.length; i++) {
    const a = events[i - 1];
    const b = events[i];
    if (a.transactionId > b.transactionId || (a.transactionId === b.transactionId && a.position > b.position)) {
      return [...events].sort((x, y) => x.transactionId - y.transactionId || x.position - y.position);
    }
  }
  return events;
}
