import { escapeLiteral, Pool } from 'pg';
import { compareCursors, FEED_START, FeedCursor } from '../model/feed-cursor';
import { FeedPage, ReadAllOptions, StreamPartition } from '../model/feed-page';
import { RecordedEvent } from '../model/recorded-event';
import { EventUpcaster, upcastStored } from './event-row';
import { inFeedOrder } from './feed-order';
import { JSON_FEED_ROW, parseJsonPage } from './json-feed-page';

/**
 * One page of the gap-free feed, in one statement.
 *
 * `horizon` is the snapshot's xmin: the oldest transaction still running. Only events of older
 * transactions are read; every one of those has ended, so the set can never grow, and any later
 * commit has transaction_id >= horizon and sorts after the cursor. pg_current_snapshot() returns
 * the statement's own snapshot, the one the scan reads with, so both agree on what has ended.
 * `pending` says that committed events exist at or past the horizon, waiting only for an older
 * transaction to end. Whatever the encoding, `inFeedOrder` checks the order of the events
 * instead of trusting the plan.
 */
export async function readFeedPage(
  pool: Pool,
  schema: string,
  options: ReadAllOptions & { limit: number },
  upcaster?: EventUpcaster,
): Promise<FeedPage> {
  const after = options.after ?? FEED_START;
  const query = feedPageQuery(schema, { ...options, after });
  const read = options.encoding === 'json' ? readJsonEncoded : readRows;
  const { horizon, pending, count, last, events, afterNext } = await read(pool, query, upcaster);
  const caughtUp = count < options.limit;
  // A short page saw everything older than the horizon, so the reader may move up to it.
  const next = caughtUp
    ? horizon > after.transactionId
      ? { transactionId: horizon, position: 0 }
      : after
    : (last as FeedCursor);
  return {
    count,
    next,
    caughtUp,
    pending: caughtUp && pending,
    afterNext,
    get events() {
      return events();
    },
  };
}

/**
 * Planner settings for the feed reads, scoped to the statement's implicit transaction. The page
 * must be an ordered scan of events_feed_idx from the cursor that stops at the LIMIT: its cost
 * is the page, whatever the table holds. The planner only picks it when it believes the LIMIT
 * cuts the scan short; with statistics that are missing (a bulk load or migration that
 * autovacuum has not analyzed yet), empty or stale (analyzed before the events the filter asks
 * for were written), it estimates a few matching rows and prefers a bitmap scan of every event
 * past the cursor plus a sort: each page then reads the whole rest of the table (measured on
 * 300,000 never-analyzed events: 550 ms a page instead of 0.3 ms). Switching the sort, the
 * bitmap and the sequential scan off leaves the index order as the only cheap plan, so the plan
 * no longer depends on the statistics. The values are inlined (and the statement planned on
 * each read, about 0.1 ms) because SET LOCAL and the read travel as one simple-protocol query:
 * one round trip, as before.
 */
export const FEED_PLAN_SETTINGS = 'SET LOCAL enable_sort = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_seqscan = off';

export interface PageQuery {
  readonly snapshot: string;
  /** The page's events in feed order, without the LIMIT (`limit`). */
  readonly page: string;
  readonly limit: number;
}

/** The page's snapshot and scan, with the cursor, limit and filters inlined as literals. */
export function feedPageQuery(schema: string, options: ReadAllOptions & { limit: number; after: FeedCursor }): PageQuery {
  const { after, limit } = options;
  const filters: string[] = [];
  if (options.types?.length) filters.push(`AND e.type = ANY (${textArray(options.types)})`);
  if (options.categories?.length) filters.push(`AND e.category = ANY (${textArray(options.categories)})`);
  if (options.partition) filters.push(`AND ${streamPartitionCondition('e.stream_id', options.partition)}`);
  // An upper bound of the index range: the ordered scan stops there instead of filtering on.
  if (options.upTo) filters.push(`AND (e.transaction_id, e.position) <= ('${integer(options.upTo.transactionId)}'::xid8, ${integer(options.upTo.position)}::bigint)`);
  return {
    snapshot: `
      (SELECT x.horizon, (SELECT max(transaction_id) FROM ${schema}.events) >= x.horizon AS pending
         FROM (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS horizon) x) h`,
    page: `
      SELECT e.* FROM ${schema}.events e
       WHERE (e.transaction_id, e.position) > ('${integer(after.transactionId)}'::xid8, ${integer(after.position)}::bigint) AND e.transaction_id < h.horizon
       ${filters.join(' ')}
       ORDER BY e.transaction_id, e.position`,
    limit: integer(limit),
  };
}

/**
 * The condition that puts a stream in `partition`: PostgreSQL's stable hashtext of the stream id,
 * its sign bit cleared, modulo the count. Evaluated per row read, so a partition's scan still
 * reads every event of the range (and the index order stays the plan); what it saves its reader
 * is decoding and applying the other partitions' events.
 */
export function streamPartitionCondition(column: string, partition: StreamPartition): string {
  const { index, count } = partition;
  if (!Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(index) || index < 0 || index >= count) {
    throw new RangeError(`feed read: partition ${index} of ${count} does not exist`);
  }
  return `(hashtext(${column}) & 2147483647) % ${count} = ${index}`;
}

function integer(value: number): number {
  if (!Number.isSafeInteger(value)) throw new Error(`feed read: ${value} is not an integer`);
  return value;
}

function textArray(values: readonly string[]): string {
  return `ARRAY[${values.map(escapeLiteral).join(', ')}]::text[]`;
}

/** Runs a page statement under the feed's planner settings; one round trip. */
async function queryPage(pool: Pool, text: string): Promise<unknown[][]> {
  const results = (await pool.query({ text: `${FEED_PLAN_SETTINGS}; ${text}`, rowMode: 'array' })) as unknown as { rows: unknown[][] }[];
  return results[results.length - 1].rows;
}

/** The statements readFeedPage runs for a page (for EXPLAIN). */
export function feedPageStatement(query: PageQuery, encoding: ReadAllOptions['encoding']): string {
  return encoding === 'json' ? jsonEncodedStatement(query) : rowsStatement(query);
}

interface EncodedPage {
  readonly horizon: number;
  readonly pending: boolean;
  readonly count: number;
  readonly last: FeedCursor | undefined;
  readonly afterNext?: FeedCursor;
  readonly events: () => readonly RecordedEvent[];
}

/**
 * Rows as arrays: one object per event (the RecordedEvent) instead of two. The LEFT JOIN
 * returns the horizon even when the page is empty.
 */
function rowsStatement(query: PageQuery): string {
  return `SELECT h.horizon, ${FEED_COLUMNS}, h.pending FROM ${query.snapshot} LEFT JOIN LATERAL (${query.page} LIMIT ${query.limit}) page ON true`;
}

async function readRows(pool: Pool, query: PageQuery, upcaster?: EventUpcaster): Promise<EncodedPage> {
  const rows = await queryPage(pool, rowsStatement(query));
  const first = rows[0];
  const events = first[1] === null ? [] : inFeedOrder(rows.map((r) => fromFeedRow(r, upcaster)));
  const last = events[events.length - 1];
  return {
    horizon: first[0] as number,
    pending: first[11] === true,
    count: events.length,
    last: last && { transactionId: last.transactionId, position: last.position },
    events: () => events,
  };
}

/**
 * The database packs the whole page into one JSON text, which one native JSON.parse decodes:
 * several times less work for this process than decoding every field of every row, for some
 * more work in the database. The statement also returns the page's size and last cursor, so the
 * reader knows where the next page starts before it decodes this one: it can have the database
 * read the next page meanwhile. Decoding happens on the first access to `events`.
 */
function jsonEncodedStatement(query: PageQuery): string {
  return `
    SELECT h.horizon, h.pending, p.json, p.count, l.transaction_id, l.position, n.transaction_id, n.position
      FROM ${query.snapshot}
     CROSS JOIN LATERAL (SELECT '[' || string_agg(${JSON_FEED_ROW}, ',') || ']' AS json, count(*) AS count FROM (${query.page} LIMIT ${query.limit}) e) p
      LEFT JOIN LATERAL (SELECT e.transaction_id, e.position FROM (${query.page} OFFSET ${query.limit - 1} LIMIT 1) e) l ON true
      LEFT JOIN LATERAL (SELECT e.transaction_id, e.position FROM (${query.page} OFFSET ${2 * query.limit - 1} LIMIT 1) e) n ON true`;
}

async function readJsonEncoded(pool: Pool, query: PageQuery, upcaster?: EventUpcaster): Promise<EncodedPage> {
  const rows = await queryPage(pool, jsonEncodedStatement(query));
  const [horizon, pending, json, count, lastTx, lastPos, nextTx, nextPos] = rows[0] as [number, boolean, string | null, number, number | null, number | null, number | null, number | null];
  const last = lastTx === null ? undefined : { transactionId: lastTx, position: lastPos as number };
  let decoded: readonly RecordedEvent[] | undefined;
  return {
    horizon,
    pending,
    count,
    last,
    afterNext: nextTx === null ? undefined : { transactionId: nextTx, position: nextPos as number },
    events: () => (decoded ??= decodeJsonPage(json, count, last, upcaster)),
  };
}

function decodeJsonPage(json: string | null, count: number, last: FeedCursor | undefined, upcaster?: EventUpcaster): readonly RecordedEvent[] {
  const events = json === null ? [] : inFeedOrder(parseJsonPage(json, upcaster));
  const end = events[events.length - 1];
  // The cursor was read by a second scan of the same snapshot: it must name the same last event.
  if (events.length !== count || (last && compareCursors(end, last) !== 0)) {
    throw new Error(`feed page decoded ${events.length} events, expected ${count} ending at ${JSON.stringify(last)}`);
  }
  return events;
}

const FEED_COLUMNS =
  'page.position, page.transaction_id, page.stream_id, page.stream_version, page.category, page.event_id, page.type, page.data, page.metadata, page.created_at';

function fromFeedRow(r: unknown[], upcaster?: EventUpcaster): RecordedEvent {
  let type = r[7] as string;
  let data = r[8];
  const metadata = r[9] as RecordedEvent['metadata'];
  if (upcaster) ({ type, data } = upcastStored(upcaster, type, data, metadata));
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
