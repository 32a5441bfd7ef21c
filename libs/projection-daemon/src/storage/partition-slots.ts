import { FEED_START, FeedCursor, quoteIdentifier, statementName } from '@projectionist/event-store';
import { escapeLiteral, Pool, PoolClient } from 'pg';
import { LeaseFence, LeaseHold, LeaseLostError } from './lease-fence';
import { PartitionSlot } from './projection-target';

/** The checkpoint slot of partition `index` of `count`. */
export function partitionSlot(index: number, count: number): PartitionSlot {
  return `partition:${index}/${count}`;
}

/** Where one partition of a rebuild stands. */
export interface PartitionState {
  readonly index: number;
  readonly count: number;
  readonly cursor: FeedCursor;
  readonly target: FeedCursor;
  /** Its worker applied every event of its streams up to the target. */
  readonly done: boolean;
}

interface ProjectionKey {
  readonly projection: string;
  readonly version: number;
}

const table = (namespace: string) => `${quoteIdentifier(namespace)}.projection_checkpoints`;

/**
 * The partitions of a partitioned rebuild, as checkpoint rows beside the rebuild slot. The owner
 * (the projection's lease holder) creates, reads and removes them inside its fenced transactions;
 * each partition's worker takes one with a token of its own (see takePartition), and its commits
 * are fenced by that token (PartitionFence) instead of the projection's lease, which it does not
 * hold. A worker taking a partition over replaces the token: the row lock waits for the previous
 * worker's commit in flight, and every later one of it finds the token changed and writes nothing.
 */
export class PartitionSlots {
  constructor(
    private readonly pool: Pool,
    private readonly namespace: string,
    private readonly key: ProjectionKey,
  ) {}

  /** Replaces any partitions of an earlier run with `count` fresh ones of `runId`, at the start of the feed, building up to `target`. */
  async createIn(client: PoolClient, runId: string, count: number, target: FeedCursor): Promise<void> {
    await this.deleteIn(client);
    const slots = Array.from({ length: count }, (_, i) => partitionSlot(i, count));
    await client.query(
      `INSERT INTO ${table(this.namespace)} (projection, version, slot, cursor_tx, cursor_pos, state, run_id, target_tx, target_pos)
       SELECT $1, $2, s, $3, $4, 'running', $5, $6, $7 FROM unnest($8::text[]) AS s`,
      [this.key.projection, this.key.version, FEED_START.transactionId, FEED_START.position, runId, target.transactionId, target.position, slots],
    );
  }

  async deleteIn(client: Pick<PoolClient, 'query'>): Promise<void> {
    await client.query(`DELETE FROM ${table(this.namespace)} WHERE projection = $1 AND version = $2 AND slot LIKE 'partition:%'`, [this.key.projection, this.key.version]);
  }

  /**
   * The partitions of `runId` (none: the run is not partitioned, or they were finished); with
   * `lock`, locked until the caller's transaction ends, so that no commit of theirs lands meanwhile.
   */
  async ofRunIn(client: Pick<PoolClient, 'query'>, runId: string, { lock = false } = {}): Promise<PartitionState[]> {
    const { rows } = await client.query(
      `SELECT slot, cursor_tx, cursor_pos, target_tx, target_pos, state FROM ${table(this.namespace)}
        WHERE projection = $1 AND version = $2 AND slot LIKE 'partition:%' AND run_id = $3 ORDER BY slot ${lock ? 'FOR UPDATE' : ''}`,
      [this.key.projection, this.key.version, runId],
    );
    return rows.map(toState);
  }

  /**
   * A worker takes partition `slot` of `runId` with its own token, fencing out whoever built it
   * before; returns where it stands, or undefined when the run has no such partition (not
   * created yet, or the run ended and removed it).
   */
  async take(slot: PartitionSlot, runId: string, token: string): Promise<PartitionState | undefined> {
    const { rows } = await this.pool.query(
      `UPDATE ${table(this.namespace)} SET holder = $5, updated_at = now()
        WHERE projection = $1 AND version = $2 AND slot = $3 AND run_id = $4
        RETURNING slot, cursor_tx, cursor_pos, target_tx, target_pos, state`,
      [this.key.projection, this.key.version, slot, runId, token],
    );
    return rows[0] ? toState(rows[0]) : undefined;
  }

  /** The partition's worker applied everything up to the target: says so, if it still holds the partition. */
  async markDone(slot: PartitionSlot, token: string): Promise<void> {
    const { rowCount } = await this.pool.query(
      `UPDATE ${table(this.namespace)} SET state = 'done', updated_at = now() WHERE projection = $1 AND version = $2 AND slot = $3 AND holder = $4`,
      [this.key.projection, this.key.version, slot, token],
    );
    if (rowCount === 0) throw new LeaseLostError(this.key.projection, 0, `partition ${slot} was taken over or its run ended`);
  }
}

/**
 * The fence of a partition's commits: its checkpoint row with the worker's token, in place of
 * the projection's lease row (see LeaseFence.checkInQuery, whose placeholders it takes).
 */
export class PartitionFence extends LeaseFence {
  private readonly check: string;

  constructor(pool: Pool, namespace: string, key: ProjectionKey, slot: PartitionSlot) {
    super(pool, namespace);
    this.check = `FROM ${table(namespace)} WHERE version = ${Number(key.version)} AND slot = ${escapeLiteral(slot)}`;
  }

  override checkInQuery(projection: string, epoch: string, agent: string): string {
    // The epoch is not the partition's business; it is named so that its placeholder keeps a type.
    return `SELECT 1 ${this.check} AND projection = ${projection} AND holder = ${agent} AND ${epoch}::bigint IS NOT NULL FOR SHARE`;
  }

  /** Named, as LeaseFence.checkIn: it runs on every commit of the partition's worker. */
  override async checkIn(client: PoolClient, hold: LeaseHold): Promise<void> {
    const text = this.checkInQuery('$1', '$2', '$3');
    const { rowCount } = await client.query({ name: statementName(text), text, values: [hold.projection, hold.epoch, hold.agent] });
    if (rowCount === 0) throw new LeaseLostError(hold.projection, hold.epoch, 'partition was taken over or its run ended');
  }
}

function toState(row: { slot: string; cursor_tx: string; cursor_pos: string; target_tx: string; target_pos: string; state: string }): PartitionState {
  const [index, count] = row.slot.slice('partition:'.length).split('/').map(Number);
  const cursor = { transactionId: Number(row.cursor_tx), position: Number(row.cursor_pos) };
  const target = { transactionId: Number(row.target_tx), position: Number(row.target_pos) };
  return { index, count, cursor, target, done: row.state === 'done' };
}
