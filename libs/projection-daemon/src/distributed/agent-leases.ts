import { nodeLockHeldSql, nodeLockPrefix } from '@projectionist/cluster-nodes';
import { quoteIdentifier } from '@projectionist/event-store';
import type { Pool } from 'pg';

export interface HeldLease {
  readonly projection: string;
  readonly epoch: number;
}

/**
 * Leases for agents spread over nodes. A node claims a projection only when no live holder has
 * it: released, expired, or held by a node whose liveness lock is gone (PostgreSQL drops it the
 * moment that node's connection ends, which is what makes a killed node's agents claimable at
 * once). The holder renews its leases with its heartbeat; one it cannot renew in time is claimed
 * by another node, and the epoch the claim bumps fences out every later write of the old holder
 * (LeaseFence), whatever that holder still believes.
 */
export class AgentLeases {
  private readonly table: string;

  constructor(
    private readonly pool: Pool,
    private readonly namespace: string,
  ) {
    this.table = `${quoteIdentifier(namespace)}.projection_leases`;
  }

  /** The new epoch when `holder` now holds `projection`'s lease; undefined while another live node holds it. */
  async claimIfFree(projection: string, holder: string, ttlMs: number): Promise<number | undefined> {
    const t = this.table;
    const { rows } = await this.pool.query(
      `INSERT INTO ${t} (projection, epoch, holder, expires_at) VALUES ($1, 1, $2, now() + $3 * interval '1 millisecond')
       ON CONFLICT (projection) DO UPDATE SET epoch = ${t}.epoch + 1, holder = EXCLUDED.holder, agent = NULL, builder = NULL,
         acquired_at = now(), expires_at = EXCLUDED.expires_at
       WHERE ${t}.holder = EXCLUDED.holder OR ${t}.expires_at IS NULL OR ${t}.expires_at <= now() OR NOT ${nodeLockHeldSql('$4', `${t}.holder`)}
       RETURNING epoch`,
      [projection, holder, ttlMs, nodeLockPrefix(this.namespace)],
    );
    return rows.length ? Number(rows[0].epoch) : undefined;
  }

  /** Extends the leases `holder` still has at these epochs; returns the projections renewed (the others were taken over). */
  async renew(holder: string, leases: readonly HeldLease[], ttlMs: number): Promise<Set<string>> {
    if (leases.length === 0) return new Set();
    const { rows } = await this.pool.query(
      `UPDATE ${this.table} AS l SET expires_at = now() + $4 * interval '1 millisecond'
       FROM unnest($2::text[], $3::bigint[]) AS h(projection, epoch)
       WHERE l.projection = h.projection AND l.epoch = h.epoch AND l.holder = $1
       RETURNING l.projection`,
      [holder, leases.map((l) => l.projection), leases.map((l) => l.epoch), ttlMs],
    );
    return new Set(rows.map((r) => r.projection as string));
  }

  /** Gives the lease up after the agent stopped (its last batch committed), so that the next owner may claim it at once. */
  async release(lease: HeldLease, holder: string): Promise<void> {
    await this.pool.query(`UPDATE ${this.table} SET expires_at = now(), agent = NULL WHERE projection = $1 AND epoch = $2 AND holder = $3`, [lease.projection, lease.epoch, holder]);
  }
}
