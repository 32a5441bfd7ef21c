import { FeedCursor } from '@projectionist/event-store';
import { DocumentChanges } from '@projectionist/projections';
import { BatchStorage } from '../agent/batch-committer';
import { CheckpointKey } from './checkpoint-store';
import { deleteDocumentsQuery, upsertDocumentsQuery, upsertRows } from './document-table';
import { LeaseLostError } from './lease-fence';

/**
 * A document batch's commit (its documents and its checkpoint, behind the lease fence) as ONE
 * statement, so one round trip and one implicit transaction instead of five round trips:
 * following the head, a commit carries a few events and round trips are most of its time.
 *
 * The same guarantees as inFencedTransaction: the `lease` row is locked FOR SHARE for the
 * statement's transaction, every write is conditioned on it, and a takeover's epoch UPDATE
 * either waits for this commit or, once committed, leaves `lease` empty (FOR SHARE rechecks the
 * epoch on the row's newest version), so nothing is written. All of it commits, or none.
 */
export async function commitDocumentsFenced(
  storage: BatchStorage,
  table: string,
  key: CheckpointKey,
  epoch: number,
  changes: DocumentChanges,
  cursor: FeedCursor,
  lastPosition: number,
): Promise<void> {
  const held = 'EXISTS (SELECT 1 FROM lease)';
  const text = `WITH lease AS (${storage.fence.checkInQuery('$1', '$2')}),
    upserted AS (${upsertDocumentsQuery(table, '$3', held)}),
    deleted AS (${deleteDocumentsQuery(table, '$4', held)}),
    saved AS (${storage.checkpoints.saveQuery(['$1', '$5', '$6', '$7', '$8', '$9'], held)})
    SELECT ${held} AS held`;
  const values = [key.projection, epoch, upsertRows(changes), changes.deletes, key.version, key.slot, cursor.transactionId, cursor.position, lastPosition];
  const { rows } = await storage.pool.query<{ held: boolean }>(text, values);
  if (!rows[0].held) throw new LeaseLostError(key.projection, epoch);
}
