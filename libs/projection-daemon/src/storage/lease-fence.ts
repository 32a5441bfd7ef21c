import { quoteIdentifier, statementName } from '@projectionist/event-store';
import { randomUUID } from 'node:crypto';
import { Pool, PoolClient } from 'pg';

/** This worker's hold on a projection is no longer current: another worker or agent took it over. */
export class LeaseLostError extends Error {
  readonly code = 'PROJECTION_LEASE_LOST';
  constructor(
    readonly projection: string,
    readonly epoch: number,
    detail = 'was taken over',
  ) {
    super(`Lease on projection ${projection} (epoch ${epoch}) ${detail}; this worker stops applying it.`);
    this.name = 'LeaseLostError';
  }
}

/**
 * What one agent holds: the node's epoch for the projection and the agent's own token. The epoch
 * tells nodes apart; the token tells apart two agents of one node and epoch (a rebuild and the
 * live agent that follows it, or an agent of a term that should have ended).
 */
export interface LeaseHold {
  /** The projection's name: what its tables, view and DDL lock are named after. */
  readonly projection: string;
  /**
   * The lease row this hold is checked against: the projection's name, or in distributed mode
   * its agent key (`CarView@2`), so that two versions of a projection each have their own
   * writer (each writes only its own version's table and checkpoint).
   */
  readonly subject: string;
  readonly epoch: number;
  readonly agent: string;
  /**
   * `live` (default): the agent applying to the table readers use. `builder`: the agent building
   * the projection beside it during an online rebuild, checked against its own token, so that
   * both apply at once.
   */
  readonly role?: 'live' | 'builder';
}

const tokenColumn = (hold: Pick<LeaseHold, 'role'>) => (hold.role === 'builder' ? 'builder' : 'agent');

/**
 * Per-projection leases with epochs and agent tokens. Claiming bumps the epoch; binding an agent
 * sets its token under the current epoch; every write re-checks epoch and token FOR SHARE inside
 * its transaction. A takeover or a new agent's UPDATE waits for writes in flight, and every later
 * write of the old holder finds the row changed and rolls back: never two appliers at once.
 */
export class LeaseFence {
  private readonly table: string;

  constructor(
    private readonly pool: Pool,
    namespace: string,
    /** The lease subject of each projection name held here when it is not the name itself (see LeaseHold.subject). */
    private readonly subjects: ReadonlyMap<string, string> = new Map(),
  ) {
    this.table = `${quoteIdentifier(namespace)}.projection_leases`;
  }

  /** The lease row `projection`'s agents are fenced by. */
  subjectOf(projection: string): string {
    return this.subjects.get(projection) ?? projection;
  }

  async claim(projection: string, holder: string): Promise<number> {
    const { rows } = await this.pool.query(
      `INSERT INTO ${this.table} (projection, epoch, holder) VALUES ($1, 1, $2)
       ON CONFLICT (projection) DO UPDATE SET epoch = ${this.table}.epoch + 1, holder = EXCLUDED.holder, agent = NULL, builder = NULL, acquired_at = now()
       RETURNING epoch`,
      [projection, holder],
    );
    return Number(rows[0].epoch);
  }

  /** Claims every projection in one statement (a node taking over claims them all at once); returns each one's new epoch. */
  async claimAll(projections: readonly string[], holder: string): Promise<Map<string, number>> {
    const { rows } = await this.pool.query(
      `INSERT INTO ${this.table} (projection, epoch, holder) SELECT p, 1, $2 FROM unnest($1::text[]) AS p
       ON CONFLICT (projection) DO UPDATE SET epoch = ${this.table}.epoch + 1, holder = EXCLUDED.holder, agent = NULL, builder = NULL, acquired_at = now()
       RETURNING projection, epoch`,
      [projections, holder],
    );
    return new Map(rows.map((row) => [row.projection as string, Number(row.epoch)]));
  }

  /** A new agent's hold under `epoch`; it becomes current once bound (see bind). */
  newHold(projection: string, epoch: number, role: LeaseHold['role'] = 'live'): LeaseHold {
    return { projection, subject: this.subjectOf(projection), epoch, agent: randomUUID(), role };
  }

  /**
   * Makes `hold` the only agent that may write the projection, inside the caller's transaction:
   * the row lock waits for the previous agent's writes in flight, and fences out every later one.
   */
  async bind(client: PoolClient, hold: LeaseHold): Promise<void> {
    const column = tokenColumn(hold);
    const { rowCount } = await client.query(`UPDATE ${this.table} SET ${column} = $3 WHERE projection = $1 AND epoch = $2`, [hold.subject, hold.epoch, hold.agent]);
    if (rowCount === 0) throw new LeaseLostError(hold.subject, hold.epoch);
  }

  /** Ends the builder's hold (the online rebuild switched, failed or was cancelled), inside the caller's transaction. */
  async releaseBuilderIn(client: PoolClient, hold: LeaseHold): Promise<void> {
    await client.query(`UPDATE ${this.table} SET builder = NULL WHERE projection = $1 AND epoch = $2 AND builder = $3`, [hold.subject, hold.epoch, hold.agent]);
  }

  async checkIn(client: PoolClient, hold: LeaseHold): Promise<void> {
    const text = this.checkInQuery('$1', '$2', '$3', hold);
    const { rowCount } = await client.query({ name: statementName(text), text, values: [hold.subject, hold.epoch, hold.agent] });
    if (rowCount === 0) throw new LeaseLostError(hold.subject, hold.epoch);
  }

  /** The check-in over the given placeholders (`subject`: the hold's lease subject): one row while epoch and the hold's token are current, locked until the transaction ends. */
  checkInQuery(subject: string, epoch: string, agent: string, hold: Pick<LeaseHold, 'role'> = {}): string {
    return `SELECT 1 FROM ${this.table} WHERE projection = ${subject} AND epoch = ${epoch} AND ${tokenColumn(hold)} = ${agent} FOR SHARE`;
  }
}
