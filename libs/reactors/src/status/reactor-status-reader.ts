import { quoteIdentifier } from '@projectionist/event-store';
import type { ProjectionErrorInfo } from '@projectionist/projection-daemon';
import type { Pool } from 'pg';
import { Reactor, reactorSubject } from '../model/reactor';

/** A reactor as its tables say, for the admin API: where it stands, how far behind, what it gave up on. */
export interface ReactorStatus {
  readonly name: string;
  readonly categories: readonly string[];
  /** `running` unless it stopped on an error (the checkpoint's state); `not-started` before any worker ran it. */
  readonly state: 'running' | 'error' | 'not-started';
  readonly error: ProjectionErrorInfo | null;
  /** The node holding its lease (the one running it, or the last one that did). */
  readonly node: string | null;
  /** Highest position of its categories its checkpoint has passed. */
  readonly position: number;
  /** Events of its categories past the checkpoint, and the age of the oldest of them. */
  readonly lagEvents: number;
  readonly lagMs: number;
  readonly deadLetters: number;
  readonly checkpointedAt: Date | null;
}

export interface ReactorDeadLetter {
  readonly eventPosition: number;
  readonly eventId: string;
  readonly eventType: string;
  readonly streamId: string;
  readonly error: string;
  readonly attempts: number;
  readonly at: Date;
}

/** Read-only view of the reactors' checkpoints, leases and dead letters for other apps (the gateway's admin API); needs only a pool. */
export class ReactorStatusReader {
  private readonly schema: string;

  constructor(
    private readonly pool: Pool,
    namespace: string,
    private readonly reactors: readonly Pick<Reactor, 'name' | 'categories'>[],
  ) {
    this.schema = quoteIdentifier(namespace);
  }

  list(): Promise<ReactorStatus[]> {
    return Promise.all(this.reactors.map((reactor) => this.statusOf(reactor)));
  }

  /** The reactor's dead letters, oldest first; undefined for an unknown reactor. */
  async deadLetters(name: string, limit = 100): Promise<ReactorDeadLetter[] | undefined> {
    const reactor = this.reactors.find((r) => r.name === name);
    if (!reactor) return undefined;
    const { rows } = await this.pool.query(
      `SELECT event_position, event_id, event_type, stream_id, error, attempts, created_at FROM ${this.schema}.projection_dead_letters
        WHERE projection = $1 ORDER BY id LIMIT $2`,
      [reactorSubject(reactor), limit],
    );
    return rows.map((r) => ({
      eventPosition: Number(r.event_position),
      eventId: r.event_id,
      eventType: r.event_type,
      streamId: r.stream_id,
      error: r.error,
      attempts: r.attempts,
      at: r.created_at,
    }));
  }

  private async statusOf(reactor: Pick<Reactor, 'name' | 'categories'>): Promise<ReactorStatus> {
    const s = this.schema;
    const { rows } = await this.pool.query(
      `SELECT c.state, c.error, c.last_position, c.updated_at, l.holder,
              (SELECT count(*) FROM ${s}.projection_dead_letters d WHERE d.projection = $1) AS dead_letters,
              behind.lag_events, behind.oldest
         FROM (SELECT 1) AS one
         LEFT JOIN ${s}.projection_checkpoints c ON c.projection = $1 AND c.version = 1 AND c.slot = 'reactor'
         LEFT JOIN ${s}.projection_leases l ON l.projection = $1
         LEFT JOIN LATERAL (SELECT count(*) AS lag_events, min(e.created_at) AS oldest FROM ${s}.events e
                             WHERE e.category = ANY($2) AND e.position > coalesce(c.last_position, 0)) AS behind ON true`,
      [reactorSubject(reactor), reactor.categories],
    );
    const row = rows[0];
    return {
      name: reactor.name,
      categories: reactor.categories,
      state: row.state === 'error' ? 'error' : row.state ? 'running' : 'not-started',
      error: row.error ?? null,
      node: row.holder ?? null,
      position: Number(row.last_position ?? 0),
      lagEvents: Number(row.lag_events ?? 0),
      lagMs: row.oldest ? Math.max(0, Date.now() - new Date(row.oldest).getTime()) : 0,
      deadLetters: Number(row.dead_letters),
      checkpointedAt: row.updated_at ?? null,
    };
  }
}
