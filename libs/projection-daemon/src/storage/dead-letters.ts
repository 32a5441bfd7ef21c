import { quoteIdentifier, RecordedEvent } from '@projectionist/event-store';
import { Pool, PoolClient } from 'pg';

export interface DeadLetter {
  readonly event: RecordedEvent;
  readonly error: string;
  readonly attempts: number;
}

export class DeadLetterTable {
  private readonly table: string;

  constructor(namespace: string) {
    this.table = `${quoteIdentifier(namespace)}.projection_dead_letters`;
  }

  async addIn(client: PoolClient, projection: string, version: number, letters: readonly DeadLetter[]): Promise<void> {
    for (const { event, error, attempts } of letters) {
      await client.query(
        `INSERT INTO ${this.table} (projection, version, event_position, event_id, event_type, stream_id, error, attempts)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [projection, version, event.position, event.id, event.type, event.streamId, error, attempts],
      );
    }
  }

  async list(pool: Pool, projection: string): Promise<{ eventPosition: number; eventId: string; error: string; attempts: number }[]> {
    const { rows } = await pool.query(
      `SELECT event_position, event_id, error, attempts FROM ${this.table} WHERE projection = $1 ORDER BY id`,
      [projection],
    );
    return rows.map((r) => ({ eventPosition: Number(r.event_position), eventId: r.event_id, error: r.error, attempts: r.attempts }));
  }
}
