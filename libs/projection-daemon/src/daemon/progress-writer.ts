import { quoteIdentifier } from '@projectionist/event-store';
import { Pool } from 'pg';
import { ProjectionProgress } from './projection-progress';

/** Publishes progress to the projection_progress table, one statement for all projections. */
export class ProgressWriter {
  private readonly table: string;

  constructor(
    private readonly pool: Pool,
    namespace: string,
    private readonly nodeId: string,
  ) {
    this.table = `${quoteIdentifier(namespace)}.projection_progress`;
  }

  async write(progress: readonly ProjectionProgress[]): Promise<void> {
    if (progress.length === 0) return;
    await this.pool.query(
      `INSERT INTO ${this.table} (projection, version, node_id, state, position, head, lag_events, lag_ms, events_per_second, rebuild, held_back, updated_at)
       SELECT p.name, p.version, $1, p.state, p.position, p.head, p.lag_events, p.lag_ms, p.rate, p.rebuild, p.held_back, now()
         FROM jsonb_to_recordset($2::jsonb) AS p(name text, version int, state text, position bigint, head bigint,
              lag_events bigint, lag_ms bigint, rate double precision, rebuild jsonb, held_back jsonb)
       ON CONFLICT (projection, version) DO UPDATE SET node_id = EXCLUDED.node_id, state = EXCLUDED.state,
         position = EXCLUDED.position, head = EXCLUDED.head, lag_events = EXCLUDED.lag_events, lag_ms = EXCLUDED.lag_ms,
         events_per_second = EXCLUDED.events_per_second, rebuild = EXCLUDED.rebuild,
         held_back = EXCLUDED.held_back, updated_at = now()`,
      [
        this.nodeId,
        JSON.stringify(
          progress.map((p) => ({
            name: p.name,
            version: p.version,
            state: p.state,
            position: p.position,
            head: p.head,
            lag_events: p.lagEvents,
            lag_ms: Math.round(p.lagMs),
            rate: p.eventsPerSecond,
            rebuild: p.rebuild,
            held_back: p.heldBack,
          })),
        ),
      ],
    );
  }
}
