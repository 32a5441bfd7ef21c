import { PoolClient } from 'pg';
import { BatchStorage } from '../agent/batch-committer';

/**
 * Runs `work` in one transaction that first checks this node's lease epoch for the projection
 * (FOR SHARE, see LeaseFence): every write of the daemon goes through here.
 */
export async function inFencedTransaction(
  storage: BatchStorage,
  projection: string,
  epoch: number,
  work: (client: PoolClient) => Promise<void>,
): Promise<void> {
  const client = await storage.pool.connect();
  try {
    await client.query('BEGIN');
    await storage.fence.checkIn(client, projection, epoch);
    await work(client);
    await client.query('COMMIT');
  } catch (error) {
    // The original error is what matters; a failed ROLLBACK means the connection is gone anyway.
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
