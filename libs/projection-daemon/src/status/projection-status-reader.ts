import { quoteIdentifier } from '@projectionist/event-store';
import type { FeedHoldBack } from '@projectionist/event-store';
import type { Pool } from 'pg';
import type { RebuildProgress } from '../daemon/projection-progress';
import type { ProjectionErrorInfo, ProjectionState } from '../storage/checkpoint-store';

/** A projection as the active worker last reported it, with the state its live checkpoint records. */
export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
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

  constructor(
    private readonly pool: Pool,
    namespace: string,
  ) {
    const schema = quoteIdentifier(namespace);
    // The progress row of the checkpoint's version: a row left by an older version is not this one's.
    this.query = `SELECT c.projection, c.version, coalesce(p.state, c.state) AS state, c.error, p.node_id, p.position, p.head,
                         p.lag_events, p.lag_ms, p.events_per_second, p.rebuild, p.held_back, p.updated_at
                    FROM ${schema}.projection_checkpoints c
                    LEFT JOIN ${schema}.projection_progress p ON p.projection = c.projection AND p.version = c.version
                   WHERE c.slot = 'live' AND ($1::text IS NULL OR c.projection = $1) ORDER BY c.projection`;
  }

  /** Every projection with a live checkpoint, by name. */
  async list(): Promise<ProjectionStatus[]> {
    const { rows } = await this.pool.query(this.query, [null]);
    return rows.map(toStatus);
  }

  /** One projection by name, or undefined when no worker has registered it. */
  async get(name: string): Promise<ProjectionStatus | undefined> {
    const { rows } = await this.pool.query(this.query, [name]);
    return rows.length === 0 ? undefined : toStatus(rows[0]);
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
}

// Number(): a pool without the event store's type parsers returns bigint columns as strings.
// A projection no worker has reported on yet reads as zero.
function toStatus(r: StatusRow): ProjectionStatus {
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
