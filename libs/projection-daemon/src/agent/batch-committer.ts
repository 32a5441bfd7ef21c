import { FeedCursor, RecordedEvent } from '@projectionist/event-store';
import type { BatchStorage } from '../storage/batch-storage';
import { CheckpointKey } from '../storage/checkpoint-store';
import { DeadLetter } from '../storage/dead-letters';
import { inFencedTransaction } from '../storage/fenced-transaction';
import { LeaseHold } from '../storage/lease-fence';
import { ProjectionTarget } from '../storage/projection-target';
import { BatchLinks, inBatchSpan } from './batch-span';
import { writeProjectionBatch } from './write-projection-batch';

export type { BatchStorage } from '../storage/batch-storage';

/**
 * Commits one batch: the projection's writes, the dead letters and the checkpoint in ONE
 * transaction, behind the lease fence, moving the checkpoint only from where the batch starts.
 * A crash at any point either keeps all of it or none.
 */
export class BatchCommitter {
  readonly key: CheckpointKey;

  constructor(
    private readonly storage: BatchStorage,
    private readonly target: ProjectionTarget,
    private readonly hold: LeaseHold,
  ) {
    this.key = { projection: target.projection.name, version: target.projection.version, slot: target.checkpointSlot ?? target.slot };
  }

  async commit(events: readonly RecordedEvent[], from: FeedCursor, next: FeedCursor, skip: ReadonlyMap<string, DeadLetter>): Promise<void> {
    await inBatchSpan(this.target, events.length, BatchLinks.of(events), () =>
      inFencedTransaction(this.storage, this.hold, async (client) => {
        const applied = skip.size === 0 ? events : events.filter((e) => !skip.has(e.id));
        if (applied.length > 0) await writeProjectionBatch(client, this.target, applied);
        if (skip.size > 0) await this.storage.deadLetters.addIn(client, this.key.projection, this.key.version, [...skip.values()]);
        const lastPosition = events.reduce((max, e) => Math.max(max, e.position), 0);
        await this.storage.checkpoints.saveIn(client, this.key, from, next, lastPosition);
      }),
    );
  }
}
