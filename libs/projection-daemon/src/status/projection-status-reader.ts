import { quoteIdentifier } from '@projectionist/event-store';
import type { FeedHoldBack } from '@projectionist/event-store';
import { projectionTableNames } from '@projectionist/projections';
import type { Pool } from 'pg';
import { viewReadsSql } from '../storage/projection-tables';
import type { RebuildProgress } from '../daemon/projection-progress';
import type { ProjectionErrorInfo, ProjectionState } from '../storage/checkpoint-store';

/**
 * One version of a projection: `live` while readers read its table, `building` while a newer
 * version is built beside the live one (it becomes live once caught up), `rolled-back` for a newer
 * version readers were rolled back from (it keeps running but takes the readers again only with
 * another rollback), `previous` for an older version readers have left (kept for a rollback, or
 * still applied by nodes running older code).
 */
export interface ProjectionVersionStatus {
  readonly version: number;
  readonly role: 'live' | 'building' | 'rolled-back' | 'previous';
  readonly state: ProjectionState;
  readonly ownerNode: string | null;
  readonly position: number;
  readonly lagEvents: number;
}

/**
 * A projection as the worker running it last reported it, with the state its live checkpoint
 * records: the version readers read (or, before any does, the newest), and every version known.
 */
export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  /** Every version with a live checkpoint, oldest first; more than one while a new version is rolled out. */
  readonly versions: readonly ProjectionVersionStatus[];
  /** Only async projections have checkpoints; inline ones are written with the events. */
  readonly mode: 'async';
  readonly state: ProjectionState;
  readonly error: ProjectionErrorInfo | null;
  /** The node that reported last; null until a worker has run the projection. */
  readonly ownerNode: string | null;
  readonly position: number;
  readonly head: number;
  readonly lagEvents: number;
  readonly lagMs: number;
  readonly eventsPerSecond: number;
  readonly rebuild: RebuildProgress | null;
  /** Which session's open transaction holds the feed back, while the projection waits for it. */
  readonly heldBack: FeedHoldBack | null;
  readonly reportedAt: Date | null;
}

/**
 * Read-only view of the daemon's projection_checkpoints and projection_progress for other apps
 * (the gateway's admin API and event stream), so that the tables' layout stays this lib's own.
 * It needs only a pool: none of the daemon's runtime is loaded with it.
 */
export class ProjectionStatusReader {
  private readonly query: string;
  private readonly servingQuery: string;

  constructor(
    private readonly pool: Pool,
    private readonly namespace: string,
  ) {
    const schema = quoteIdentifier(namespace);
    this.servingQuery = `SELECT ${viewReadsSql('v.view', 'v.tbl')} AS serving FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS v(view, tbl, n) ORDER BY v.n`;
    // The progress row of the checkpoint's version: a row left by an older version is not this one's.
    this.query = `SELECT c.projection, c.version, coalesce(p.state, c.state) AS state, c.error, p.node_id, p.position, p.head,
                         p.lag_events, p.lag_ms, p.events_per_second, p.rebuild, p.held_back, p.updated_at, pin.rolled_back_from
                    FROM ${schema}.projection_checkpoints c
                    LEFT JOIN ${schema}.projection_progress p ON p.projection = c.projection AND p.version = c.version
                    LEFT JOIN ${schema}.projection_live_versions pin ON pin.projection = c.projection
                   WHERE c.slot = 'live' AND ($1::text IS NULL OR c.projection = $1) ORDER BY c.projection, c.version`;
  }

  /** Every projection with a live checkpoint, by name. */
  async list(): Promise<ProjectionStatus[]> {
    return this.read(null);
  }

  /** One projection by name, or undefined when no worker has registered it. */
  async get(name: string): Promise<ProjectionStatus | undefined> {
    return (await this.read(name))[0];
  }

  private async read(name: string | null): Promise<ProjectionStatus[]> {
    const { rows } = await this.pool.query<StatusRow>(this.query, [name]);
    if (rows.length === 0) return [];
    const schema = quoteIdentifier(this.namespace);
    const names = rows.map((r) => projectionTableNames(r.projection, r.version));
    const serving = await this.pool.query<{ serving: boolean }>(this.servingQuery, [
      names.map((n) => `${schema}.${quoteIdentifier(n.view)}`),
      names.map((n) => `${schema}.${quoteIdentifier(n.table)}`),
    ]);
    const byName = new Map<string, { row: StatusRow; serving: boolean }[]>();
    rows.forEach((row, i) => byName.set(row.projection, [...(byName.get(row.projection) ?? []), { row, serving: serving.rows[i].serving }]));
    return [...byName.values()].map(toStatus);
  }
}

interface StatusRow {
  projection: string;
  version: number;
  state: ProjectionState;
  error: ProjectionErrorInfo | null;
  node_id: string | null;
  position: number | string | null;
  head: number | string | null;
  lag_events: number | string | null;
  lag_ms: number | string | null;
  events_per_second: number | null;
  rebuild: RebuildProgress | null;
  held_back: FeedHoldBack | null;
  updated_at: Date | null;
  /** Set while a rollback pins readers: the newest version they were moved back from. */
  rolled_back_from: number | null;
}

/** The versions of one projection: the one readers read (or the newest) is the projection's status. */
function toStatus(versions: { row: StatusRow; serving: boolean }[]): ProjectionStatus {
  const sorted = [...versions].sort((a, b) => a.row.version - b.row.version);
  const live = sorted.find((v) => v.serving);
  const primary = live ?? sorted[sorted.length - 1];
  const rolledBackFrom = primary.row.rolled_back_from ?? 0;
  const role = (v: { row: StatusRow; serving: boolean }): ProjectionVersionStatus['role'] => {
    if (v.serving) return 'live';
    if (live && v.row.version < live.row.version) return 'previous';
    // Newer than what readers read: left by a rollback (up to the version it came from), or still to take over.
    return live && v.row.version <= rolledBackFrom ? 'rolled-back' : 'building';
  };
  return {
    ...fromRow(primary.row),
    versions: sorted.map((v) => ({
      version: v.row.version,
      role: role(v),
      state: v.row.state,
      ownerNode: v.row.node_id,
      position: Number(v.row.position ?? 0),
      lagEvents: Number(v.row.lag_events ?? 0),
    })),
  };
}

// Number(): a pool without the event store's type parsers returns bigint columns as strings.
// A projection no worker has reported on yet reads as zero.
function fromRow(r: StatusRow): Omit<ProjectionStatus, 'versions'> {
  return {
    name: r.projection,
    version: r.version,
    mode: 'async',
    state: r.state,
    error: r.error,
    ownerNode: r.node_id,
    position: Number(r.position ?? 0),
    head: Number(r.head ?? 0),
    lagEvents: Number(r.lag_events ?? 0),
    lagMs: Number(r.lag_ms ?? 0),
    eventsPerSecond: r.events_per_second ?? 0,
    rebuild: r.rebuild,
    heldBack: r.held_back ?? null,
    reportedAt: r.updated_at,
  };
}
