import { FEED_START, FeedCursor, quoteIdentifier } from '@projectionist/event-store';
import { Pool, PoolClient } from 'pg';
import { Slot } from './projection-target';

export type ProjectionState = 'running' | 'paused' | 'rebuilding' | 'error' | 'stopped';

/** What an operator needs to act on a stopped projection. */
export interface ProjectionErrorInfo {
  readonly message: string;
  readonly eventPosition?: number;
  readonly eventId?: string;
  readonly eventType?: string;
  readonly streamId?: string;
  readonly at: string;
}

export interface Checkpoint {
  readonly cursor: FeedCursor;
  /** Highest global position applied. */
  readonly lastPosition: number;
  readonly state: ProjectionState;
  readonly error: ProjectionErrorInfo | null;
}

export interface CheckpointKey {
  readonly projection: string;
  readonly version: number;
  readonly slot: Slot;
}

/** The projection_checkpoints table. Saving happens inside a batch's transaction (see saveIn). */
export class CheckpointStore {
  private readonly table: string;

  constructor(
    private readonly pool: Pool,
    namespace: string,
  ) {
    this.table = `${quoteIdentifier(namespace)}.projection_checkpoints`;
  }

  async load(key: CheckpointKey): Promise<Checkpoint> {
    await this.pool.query(
      `INSERT INTO ${this.table} (projection, version, slot) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [key.projection, key.version, key.slot],
    );
    const { rows } = await this.pool.query(
      `SELECT cursor_tx, cursor_pos, last_position, state, error FROM ${this.table} WHERE projection = $1 AND version = $2 AND slot = $3`,
      [key.projection, key.version, key.slot],
    );
    const row = rows[0];
    return {
      cursor: { transactionId: Number(row.cursor_tx), position: Number(row.cursor_pos) },
      lastPosition: Number(row.last_position),
      state: row.state,
      error: row.error,
    };
  }

  async saveIn(client: PoolClient, key: CheckpointKey, cursor: FeedCursor, lastPosition: number): Promise<void> {
    await client.query(this.saveQuery(['$1', '$2', '$3', '$4', '$5', '$6']), [key.projection, key.version, key.slot, cursor.transactionId, cursor.position, lastPosition]);
  }

  /** The save over placeholders for projection, version, slot, cursor transaction, cursor position and last position, guarded by `condition`. */
  saveQuery([projection, version, slot, cursorTx, cursorPos, lastPosition]: readonly string[], condition = ''): string {
    return `UPDATE ${this.table} SET cursor_tx = ${cursorTx}, cursor_pos = ${cursorPos}, last_position = greatest(last_position, ${lastPosition}), updated_at = now()
        WHERE projection = ${projection} AND version = ${version} AND slot = ${slot} ${condition ? `AND ${condition}` : ''}`;
  }

  async setState(key: CheckpointKey, state: ProjectionState, error: ProjectionErrorInfo | null = null): Promise<void> {
    await this.pool.query(
      `UPDATE ${this.table} SET state = $4, error = $5, updated_at = now() WHERE projection = $1 AND version = $2 AND slot = $3`,
      [key.projection, key.version, key.slot, state, error],
    );
  }

  /** Back to the start of the feed (a fresh rebuild slot). */
  async reset(key: CheckpointKey): Promise<void> {
    await this.load(key);
    await this.pool.query(
      `UPDATE ${this.table} SET cursor_tx = $4, cursor_pos = $5, last_position = 0, state = 'running', error = NULL, updated_at = now()
        WHERE projection = $1 AND version = $2 AND slot = $3`,
      [key.projection, key.version, key.slot, FEED_START.transactionId, FEED_START.position],
    );
  }

  /** Moves the rebuild slot's checkpoint onto the live slot, inside the swap's transaction. */
  async promoteRebuildIn(client: PoolClient, projection: string, version: number): Promise<void> {
    await client.query(
      `UPDATE ${this.table} AS live SET cursor_tx = r.cursor_tx, cursor_pos = r.cursor_pos, last_position = r.last_position,
              state = 'running', error = NULL, updated_at = now()
         FROM ${this.table} AS r
        WHERE live.projection = $1 AND live.version = $2 AND live.slot = 'live'
          AND r.projection = $1 AND r.version = $2 AND r.slot = 'rebuild'`,
      [projection, version],
    );
    await client.query(`DELETE FROM ${this.table} WHERE projection = $1 AND version = $2 AND slot = 'rebuild'`, [projection, version]);
  }

  async all(): Promise<(CheckpointKey & Checkpoint)[]> {
    const { rows } = await this.pool.query(`SELECT * FROM ${this.table} ORDER BY projection, version, slot`);
    return rows.map((row) => ({
      projection: row.projection,
      version: row.version,
      slot: row.slot,
      cursor: { transactionId: Number(row.cursor_tx), position: Number(row.cursor_pos) },
      lastPosition: Number(row.last_position),
      state: row.state,
      error: row.error,
    }));
  }
}
