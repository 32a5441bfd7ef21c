import { FeedCursor, statementName } from '@projectionist/event-store';
import { DocumentChanges } from '@projectionist/projections';
import type { BatchStorage } from './batch-storage';
import { CheckpointKey, CheckpointMovedError } from './checkpoint-store';
import { deleteDocumentsQuery, upsertDocumentsQuery, upsertRows } from './document-table';
import { LeaseHold, LeaseLostError } from './lease-fence';

/**
 * A document batch's commit (its documents and its checkpoint, behind the lease fence) as ONE
 * statement, so one round trip and one implicit transaction instead of five round trips:
 * following the head, a commit carries a few events and round trips are most of its time.
 *
 * The same guarantees as inFencedTransaction with a checkpoint save: the `lease` row is locked
 * FOR SHARE and the checkpoint row FOR UPDATE for the statement's transaction, and every write is
 * conditioned on both. A takeover's UPDATE either waits for this commit or, once committed, leaves
 * `lease` empty (the lock rechecks epoch and agent on the row's newest version); a checkpoint that
 * is no longer where the batch starts leaves `at` empty. Either way nothing is written.
 */
export async function commitDocumentsFenced(
  storage: BatchStorage,
  table: string,
  key: CheckpointKey,
  hold: LeaseHold,
  changes: DocumentChanges,
  from: FeedCursor,
  cursor: FeedCursor,
  lastPosition: number,
): Promise<void> {
  const held = 'EXISTS (SELECT 1 FROM lease) AND EXISTS (SELECT 1 FROM at)';
  const text = `WITH lease AS (${storage.fence.checkInQuery('$13', '$2', '$12', hold)}),
    at AS (${storage.checkpoints.atQuery(['$1', '$5', '$6', '$10', '$11'])}),
    upserted AS (${upsertDocumentsQuery(table, '$3', held)}),
    deleted AS (${deleteDocumentsQuery(table, '$4', held)}),
    saved AS (${storage.checkpoints.saveQuery(['$1', '$5', '$6', '$7', '$8', '$9'], held, ['$10', '$11'])})
    SELECT EXISTS (SELECT 1 FROM lease) AS leased, EXISTS (SELECT 1 FROM at) AS at`;
  const values = [
    key.projection,
    hold.epoch,
    upsertRows(changes),
    changes.deletes,
    key.version,
    key.slot,
    cursor.transactionId,
    cursor.position,
    lastPosition,
    from.transactionId,
    from.position,
    hold.agent,
    hold.subject,
  ];
  // Named: following the head this runs for every batch of every agent, and parsing and planning it each time cost more than running it.
  const { rows } = await storage.pool.query<{ leased: boolean; at: boolean }>({ name: statementName(text), text, values });
  if (!rows[0].leased) throw new LeaseLostError(hold.subject, hold.epoch);
  if (!rows[0].at) throw new CheckpointMovedError(key, from, await storage.checkpoints.cursorIn(storage.pool, key));
}
