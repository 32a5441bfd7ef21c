import { compareCursors, FEED_START, FeedCursor, quoteIdentifier, statementName } from '@projectionist/event-store';
import { Pool, PoolClient } from 'pg';
import { CheckpointSlot } from './projection-target';

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
  /**
   * `previous`: where the table an online rebuild retired stood, kept for a rollback. `reactor`:
   * a reactor's own checkpoint, which no rebuild moves and the projections' status never lists.
   */
  readonly slot: CheckpointSlot | 'previous' | 'reactor';
}

/**
 * A batch expected the checkpoint where its events start and found it elsewhere: something else
 * applied them, or its own earlier attempt did. Committing would apply events twice or skip some.
 */
export class CheckpointMovedError extends Error {
  readonly code = 'PROJECTION_CHECKPOINT_MOVED';
  constructor(
    readonly key: CheckpointKey,
    readonly expected: FeedCursor,
    readonly found: FeedCursor | undefined,
  ) {
    super(`Checkpoint of ${key.projection}@${key.slot} is at ${found ? cursorText(found) : 'nothing'}, not at ${cursorText(expected)} where the batch starts.`);
    this.name = 'CheckpointMovedError';
  }

  /** True when the checkpoint already stands where `next` says: the batch was committed before. */
  landedAt(next: FeedCursor): boolean {
    return this.found !== undefined && compareCursors(this.found, next) === 0;
  }
}

function cursorText(cursor: FeedCursor): string {
  return `${cursor.transactionId}/${cursor.position}`;
}

/**
 * The projection_checkpoints table. Every write runs in the caller's fenced transaction (see
 * inFencedTransaction), and a batch's save moves the checkpoint only from where the batch starts:
 * a checkpoint never moves backwards or repeats a batch.
 */
export class CheckpointStore {
  private readonly table: string;

  constructor(
    private readonly pool: Pool,
    namespace: string,
  ) {
    this.table = `${quoteIdentifier(namespace)}.projection_checkpoints`;
  }

  /** The slot's checkpoint, created at the start of the feed when missing. */
  async loadIn(client: PoolClient, key: CheckpointKey): Promise<Checkpoint> {
    await client.query(`INSERT INTO ${this.table} (projection, version, slot) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [key.projection, key.version, key.slot]);
    const { rows } = await client.query(
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

  /** Moves the checkpoint from `from` (where the batch starts) to `cursor`; throws CheckpointMovedError when it is not at `from`. */
  async saveIn(client: PoolClient, key: CheckpointKey, from: FeedCursor, cursor: FeedCursor, lastPosition: number): Promise<void> {
    const values = [key.projection, key.version, key.slot, cursor.transactionId, cursor.position, lastPosition, from.transactionId, from.position];
    const text = this.saveQuery(['$1', '$2', '$3', '$4', '$5', '$6']);
    const { rowCount } = await client.query({ name: statementName(text), text, values });
    if (rowCount === 0) throw new CheckpointMovedError(key, from, await this.cursorIn(client, key));
  }

  /**
   * The save over placeholders for projection, version, slot, cursor transaction, cursor position
   * and last position, moving only from the cursor in the next two placeholders (`$7`, `$8` by
   * default), and guarded by `condition`.
   */
  saveQuery([projection, version, slot, cursorTx, cursorPos, lastPosition]: readonly string[], condition = '', [fromTx, fromPos] = ['$7', '$8']): string {
    return `UPDATE ${this.table} SET cursor_tx = ${cursorTx}, cursor_pos = ${cursorPos}, last_position = greatest(last_position, ${lastPosition}), updated_at = now()
        WHERE projection = ${projection} AND version = ${version} AND slot = ${slot} AND cursor_tx = ${fromTx} AND cursor_pos = ${fromPos}
        ${condition ? `AND ${condition}` : ''}`;
  }

  /** One row, locked until the transaction ends, while the slot's checkpoint stands at the given cursor. */
  atQuery([projection, version, slot, fromTx, fromPos]: readonly string[]): string {
    return `SELECT 1 FROM ${this.table}
        WHERE projection = ${projection} AND version = ${version} AND slot = ${slot} AND cursor_tx = ${fromTx} AND cursor_pos = ${fromPos} FOR UPDATE`;
  }

  async cursorIn(client: Pick<PoolClient, 'query'>, key: CheckpointKey): Promise<FeedCursor | undefined> {
    const { rows } = await client.query(`SELECT cursor_tx, cursor_pos FROM ${this.table} WHERE projection = $1 AND version = $2 AND slot = $3`, [
      key.projection,
      key.version,
      key.slot,
    ]);
    return rows[0] ? { transactionId: Number(rows[0].cursor_tx), position: Number(rows[0].cursor_pos) } : undefined;
  }

  async setStateIn(client: PoolClient, key: CheckpointKey, state: ProjectionState, error: ProjectionErrorInfo | null = null): Promise<void> {
    await client.query(`UPDATE ${this.table} SET state = $4, error = $5, updated_at = now() WHERE projection = $1 AND version = $2 AND slot = $3`, [
      key.projection,
      key.version,
      key.slot,
      state,
      error,
    ]);
  }

  /** Back to the start of the feed (a fresh rebuild slot), for the online run `runId` to resume (none: not resumable). */
  async resetIn(client: PoolClient, key: CheckpointKey, runId: string | null = null): Promise<void> {
    await this.loadIn(client, key);
    await client.query(
      `UPDATE ${this.table} SET cursor_tx = $4, cursor_pos = $5, last_position = 0, state = 'running', error = NULL, run_id = $6, updated_at = now()
        WHERE projection = $1 AND version = $2 AND slot = $3`,
      [key.projection, key.version, key.slot, FEED_START.transactionId, FEED_START.position, runId],
    );
  }

  /** The slot's cursor and the rebuild run it belongs to (see resetIn and promoteRebuildIn), or undefined when there is no such slot. */
  async runOfIn(client: PoolClient, key: CheckpointKey): Promise<{ cursor: FeedCursor; runId: string | null } | undefined> {
    const { rows } = await client.query(`SELECT cursor_tx, cursor_pos, run_id FROM ${this.table} WHERE projection = $1 AND version = $2 AND slot = $3`, [
      key.projection,
      key.version,
      key.slot,
    ]);
    if (!rows[0]) return undefined;
    return { cursor: { transactionId: Number(rows[0].cursor_tx), position: Number(rows[0].cursor_pos) }, runId: rows[0].run_id };
  }

  /** Removes a rebuild slot's checkpoint unless an online run may resume it (it names its run). */
  async deleteUnresumableRebuildIn(client: PoolClient, projection: string, version: number): Promise<void> {
    await client.query(`DELETE FROM ${this.table} WHERE projection = $1 AND version = $2 AND slot = 'rebuild' AND run_id IS NULL`, [projection, version]);
  }

  async deleteIn(client: PoolClient, key: CheckpointKey): Promise<void> {
    await client.query(`DELETE FROM ${this.table} WHERE projection = $1 AND version = $2 AND slot = $3`, [key.projection, key.version, key.slot]);
  }

  /** Moves the rebuild slot's checkpoint (with the run it belongs to) onto the live slot, inside the swap's transaction. */
  async promoteRebuildIn(client: PoolClient, projection: string, version: number): Promise<void> {
    await client.query(
      `UPDATE ${this.table} AS live SET cursor_tx = r.cursor_tx, cursor_pos = r.cursor_pos, last_position = r.last_position,
              state = 'running', error = NULL, run_id = r.run_id, updated_at = now()
         FROM ${this.table} AS r
        WHERE live.projection = $1 AND live.version = $2 AND live.slot = 'live'
          AND r.projection = $1 AND r.version = $2 AND r.slot = 'rebuild'`,
      [projection, version],
    );
    await this.deleteIn(client, { projection, version, slot: 'rebuild' });
  }

  /** Keeps the live slot's checkpoint as `previous` (the table being retired stands there), inside the swap. */
  async retireLiveIn(client: PoolClient, projection: string, version: number): Promise<void> {
    await client.query(
      `INSERT INTO ${this.table} (projection, version, slot, cursor_tx, cursor_pos, last_position, state, updated_at)
       SELECT projection, version, 'previous', cursor_tx, cursor_pos, last_position, 'stopped', now() FROM ${this.table}
        WHERE projection = $1 AND version = $2 AND slot = 'live'
       ON CONFLICT (projection, version, slot) DO UPDATE SET cursor_tx = EXCLUDED.cursor_tx, cursor_pos = EXCLUDED.cursor_pos,
              last_position = EXCLUDED.last_position, state = 'stopped', error = NULL, updated_at = now()`,
      [projection, version],
    );
  }

  /** True when a previous slot exists and was retired more than `keepMs` ago. */
  async previousOlderThanIn(client: PoolClient, projection: string, version: number, keepMs: number): Promise<boolean> {
    const { rows } = await client.query(
      `SELECT 1 FROM ${this.table} WHERE projection = $1 AND version = $2 AND slot = 'previous' AND updated_at < now() - make_interval(secs => $3)`,
      [projection, version, keepMs / 1000],
    );
    return rows.length > 0;
  }

  /** Exchanges the live and previous checkpoints (a rollback, or undoing one), inside the table swap. */
  async exchangePreviousIn(client: PoolClient, projection: string, version: number): Promise<void> {
    await client.query(
      `UPDATE ${this.table} AS c SET cursor_tx = o.cursor_tx, cursor_pos = o.cursor_pos, last_position = o.last_position,
              state = CASE WHEN c.slot = 'live' THEN 'running' ELSE 'stopped' END, error = NULL, updated_at = now()
         FROM ${this.table} AS o
        WHERE c.projection = $1 AND c.version = $2 AND o.projection = $1 AND o.version = $2
          AND ((c.slot = 'live' AND o.slot = 'previous') OR (c.slot = 'previous' AND o.slot = 'live'))`,
      [projection, version],
    );
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
