import { PoolClient } from 'pg';
import type { BatchStorage } from './batch-storage';
import { LeaseHold } from './lease-fence';
import { lockDdl } from './projection-tables';

/**
 * Runs `work` in one transaction that first checks the agent's hold on the projection (epoch and
 * token, FOR SHARE, see LeaseFence), or with `bind` makes it the current one: every write of the
 * daemon to a projection's tables, checkpoints and state goes through here.
 *
 * `ddl` (the namespace): `work` changes the projection's tables, so the transaction queues on the
 * projection's DDL lock before it locks the lease row. The other way round it would hold the row
 * while waiting for another table change, and every commit of this projection's agents, which
 * checks the row, would wait with it.
 */
export async function inFencedTransaction<T>(
  storage: Pick<BatchStorage, 'pool' | 'fence'>,
  hold: LeaseHold,
  work: (client: PoolClient) => Promise<T>,
  { bind = false, ddl }: { bind?: boolean; ddl?: string } = {},
): Promise<T> {
  const client = await storage.pool.connect();
  try {
    await client.query('BEGIN');
    if (ddl !== undefined) await lockDdl(client, ddl, hold.projection);
    if (bind) await storage.fence.bind(client, hold);
    else await storage.fence.checkIn(client, hold);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // The original error is what matters; a failed ROLLBACK means the connection is gone anyway.
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
