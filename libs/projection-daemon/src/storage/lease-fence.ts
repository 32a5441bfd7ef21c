import { quoteIdentifier } from '@projectionist/event-store';
import { Pool, PoolClient } from 'pg';

/** This worker's epoch for a projection is no longer current: another worker took it over. */
export class LeaseLostError extends Error {
  readonly code = 'PROJECTION_LEASE_LOST';
  constructor(
    readonly projection: string,
    readonly epoch: number,
  ) {
    super(`Lease on projection ${projection} (epoch ${epoch}) was taken over; this worker stops applying it.`);
    this.name = 'LeaseLostError';
  }
}

/**
 * Per-projection leases with epochs. Claiming bumps the epoch; every batch re-checks its epoch
 * FOR SHARE inside its transaction. A takeover's UPDATE waits for batches in flight, and every
 * later batch of the old holder sees a newer epoch and rolls back: never two appliers at once.
 */
export class LeaseFence {
  private readonly table: string;

  constructor(
    private readonly pool: Pool,
    namespace: string,
  ) {
    this.table = `${quoteIdentifier(namespace)}.projection_leases`;
  }

  async claim(projection: string, holder: string): Promise<number> {
    const { rows } = await this.pool.query(
      `INSERT INTO ${this.table} (projection, epoch, holder) VALUES ($1, 1, $2)
       ON CONFLICT (projection) DO UPDATE SET epoch = ${this.table}.epoch + 1, holder = EXCLUDED.holder, acquired_at = now()
       RETURNING epoch`,
      [projection, holder],
    );
    return Number(rows[0].epoch);
  }

  async checkIn(client: PoolClient, projection: string, epoch: number): Promise<void> {
    const { rowCount } = await client.query(this.checkInQuery('$1', '$2'), [projection, epoch]);
    if (rowCount === 0) throw new LeaseLostError(projection, epoch);
  }

  /** The check-in over the given placeholders: one row while the epoch is current, locked until the transaction ends. */
  checkInQuery(projection: string, epoch: string): string {
    return `SELECT 1 FROM ${this.table} WHERE projection = ${projection} AND epoch = ${epoch} FOR SHARE`;
  }
}
