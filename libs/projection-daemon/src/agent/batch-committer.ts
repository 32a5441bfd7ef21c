import { FeedCursor, RecordedEvent } from '@projectionist/event-store';
import { Pool } from 'pg';
import { CheckpointKey, CheckpointStore } from '../storage/checkpoint-store';
import { DeadLetter, DeadLetterTable } from '../storage/dead-letters';
import { LeaseFence } from '../storage/lease-fence';
import { ProjectionTarget } from '../storage/projection-target';
import { inFencedTransaction } from '../storage/fenced-transaction';
import { writeProjectionBatch } from './write-projection-batch';

export interface BatchStorage {
  readonly pool: Pool;
  readonly checkpoints: CheckpointStore;
  readonly fence: LeaseFence;
  readonly deadLetters: DeadLetterTable;
}

/**
 * Commits one batch: the projection's writes, the dead letters and the checkpoint in ONE
 * transaction, behind the lease fence. A crash at any point either keeps all of it or none.
 */
export class BatchCommitter {
  readonly key: CheckpointKey;

  constructor(
    private readonly storage: BatchStorage,
    private readonly target: ProjectionTarget,
    private readonly epoch: number,
  ) {
    this.key = { projection: target.projection.name, version: target.projection.version, slot: target.slot };
  }

  async commit(events: readonly RecordedEvent[], next: FeedCursor, skip: ReadonlyMap<string, DeadLetter>): Promise<void> {
    await inFencedTransaction(this.storage, this.key.projection, this.epoch, async (client) => {
      const applied = skip.size === 0 ? events : events.filter((e) => !skip.has(e.id));
      if (applied.length > 0) await writeProjectionBatch(client, this.target, applied);
      if (skip.size > 0) await this.storage.deadLetters.addIn(client, this.key.projection, this.key.version, [...skip.values()]);
      const lastPosition = events.reduce((max, e) => Math.max(max, e.position), 0);
      await this.storage.checkpoints.saveIn(client, this.key, next, lastPosition);
    });
  }
}
