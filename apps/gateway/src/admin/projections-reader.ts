import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@projectionist/config';
import { EVENT_STORE_POOL, quoteIdentifier } from '@projectionist/event-store';
import { Pool } from 'pg';

/** Every projection as the active worker last reported it (projection_progress), with its checkpoint state. */
@Injectable()
export class ProjectionsReader {
  private readonly schema: string;

  constructor(
    @Inject(EVENT_STORE_POOL) private readonly pool: Pool,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.schema = quoteIdentifier(config.namespace);
  }

  async list() {
    const { rows } = await this.pool.query(
      `SELECT c.projection, c.version, coalesce(p.state, c.state) AS state, c.error, p.node_id, p.position, p.head,
              p.lag_events, p.lag_ms, p.events_per_second, p.rebuild, p.held_back, p.updated_at
         FROM ${this.schema}.projection_checkpoints c
         LEFT JOIN ${this.schema}.projection_progress p ON p.projection = c.projection AND p.version = c.version
        WHERE c.slot = 'live' ORDER BY c.projection`,
    );
    return rows.map((r) => ({
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
      // Which session's open transaction holds the feed back, while the projection waits for it.
      heldBack: r.held_back ?? null,
      reportedAt: r.updated_at,
    }));
  }
}
