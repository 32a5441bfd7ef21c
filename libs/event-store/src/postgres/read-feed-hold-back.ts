import { Pool } from 'pg';
import { FeedHolder, FeedHoldBack } from '../model/feed-hold-back';
import { quoteIdentifier } from './identifiers';

const QUERY_SNIPPET_CHARS = 200;
const MAX_HOLDERS = 5;

/**
 * Whether committed events of `namespace` wait behind the readable horizon, and which sessions'
 * transactions they wait for; null when nothing waits. One statement, so the horizon, the
 * waiting events and the sessions agree: the horizon is the oldest running transaction id, which
 * pg_stat_activity shows as that session's backend_xid, and every session with a backend_xid
 * older than the last waiting event holds it back too (age() orders ids, older is larger).
 * Sessions are only looked up when an event waits (the join's outer side is empty otherwise),
 * and the events are found through the feed index, so a caller may run this about once a
 * second; not per read.
 */
export async function readFeedHoldBack(pool: Pool, namespace: string): Promise<FeedHoldBack | null> {
  const events = `${quoteIdentifier(namespace)}.events`;
  const { rows } = await pool.query(
    `WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS horizon)
     SELECT h.horizon, w.position, w.created_at, extract(epoch FROM clock_timestamp() - w.created_at) * 1000 AS held_back_ms, a.sessions
       FROM h
       CROSS JOIN LATERAL (SELECT e.position, e.created_at FROM ${events} e
                            WHERE e.transaction_id >= h.horizon ORDER BY e.transaction_id, e.position LIMIT 1) w
       CROSS JOIN LATERAL (SELECT max(transaction_id) AS last_tx FROM ${events}) l
       LEFT JOIN LATERAL (
         SELECT json_agg(x ORDER BY x.xid_age DESC) AS sessions FROM (
           SELECT s.pid, s.application_name, s.usename, s.datname, host(s.client_addr) AS client_addr, s.state, s.xact_start,
                  round(extract(epoch FROM clock_timestamp() - s.xact_start) * 1000) AS transaction_age_ms, left(s.query, $1) AS query,
                  age(s.backend_xid) AS xid_age, s.backend_xid = h.horizon::xid AS at_horizon
             FROM pg_stat_activity s
            WHERE s.backend_xid IS NOT NULL AND age(s.backend_xid) > age(l.last_tx::xid)
            ORDER BY age(s.backend_xid) DESC LIMIT $2) x) a ON true`,
    [QUERY_SNIPPET_CHARS, MAX_HOLDERS],
  );
  const row = rows[0];
  if (!row) return null;
  const sessions: SessionRow[] = row.sessions ?? [];
  const atHorizon = sessions[0]?.at_horizon ? sessions[0] : undefined;
  return {
    horizon: Number(row.horizon),
    firstWaitingPosition: Number(row.position),
    since: (row.created_at as Date).toISOString(),
    heldBackMs: Math.max(0, Math.round(Number(row.held_back_ms))),
    holder: atHorizon ? toHolder(atHorizon) : null,
    otherHolders: sessions.filter((s) => s !== atHorizon).map(toHolder),
  };
}

interface SessionRow {
  readonly pid: number;
  readonly application_name: string | null;
  readonly usename: string | null;
  readonly datname: string | null;
  readonly client_addr: string | null;
  readonly state: string | null;
  readonly xact_start: string | null;
  readonly transaction_age_ms: number | null;
  readonly query: string | null;
  readonly at_horizon: boolean;
}

function toHolder(s: SessionRow): FeedHolder {
  return {
    pid: s.pid,
    applicationName: s.application_name ?? '',
    user: s.usename,
    database: s.datname,
    clientAddress: s.client_addr,
    state: s.state,
    transactionStartedAt: s.xact_start === null ? null : new Date(s.xact_start).toISOString(),
    transactionAgeMs: s.transaction_age_ms === null ? null : Math.max(0, s.transaction_age_ms),
    query: s.query,
  };
}
