import { Projection } from '@projectionist/projections';
import type { BatchStorage } from './batch-storage';
import { Checkpoint } from './checkpoint-store';
import { inFencedTransaction } from './fenced-transaction';
import { LeaseHold } from './lease-fence';
import { dropRebuildTable, ensureProjectionTable, liveSlotInPlace, liveViewState } from './projection-tables';
import { projectionTarget } from './projection-target';
import { readVersionState } from './live-version';
import { mayTakeReaders } from '../daemon/version-rules';

/** Where the live agent starts, and whether readers still use another version's table. */
export interface LiveSlot {
  readonly checkpoint: Checkpoint;
  /**
   * The stable view reads another version of the projection (the one deployed before): this
   * version is built in its own table while readers keep the complete one, and the view moves
   * to it once it has caught up (switchReadersWhenCaughtUp), never to a half-built table. False
   * for an older version than the one read, or one a rollback left (see mayTakeReaders): it keeps
   * its own table up to date without taking the readers.
   */
  readonly viewPending: boolean;
}

/**
 * Binds `hold` as the projection's one writer and, in the same fenced transaction, makes sure of
 * its live table and view, removes what an interrupted blocking rebuild left (its checkpoint: no
 * rebuild runs beside the agent bound now), and marks the checkpoint running unless it is in
 * error. An online rebuild's slot stays: its run is resumed from it by whoever holds the lease
 * next (a fresh rebuild recreates the slot anyway). Returns the live checkpoint the agent starts from.
 */
export function prepareLiveSlot(storage: BatchStorage, namespace: string, projection: Projection, hold: LeaseHold): Promise<LiveSlot> {
  const key = { projection: projection.name, version: projection.version, slot: 'live' as const };
  return inFencedTransaction(
    storage,
    hold,
    async (client) => {
      let viewPending = false;
      const resumable = (await storage.checkpoints.runOfIn(client, { ...key, slot: 'rebuild' }))?.runId != null;
      if (!(await liveSlotInPlace(client, namespace, projection, { rebuildStays: resumable }))) {
        // Another version's table is read: this one is built beside it, and takes the readers once
        // caught up only if it is newer and no rollback left it (an older one never takes them back).
        const other = (await liveViewState(client, namespace, projection)) === 'other';
        if (other) {
          const { reading, pin } = await readVersionState(client, namespace, projection.name);
          viewPending = mayTakeReaders(projection.version, reading, pin);
        }
        await ensureProjectionTable(client, projectionTarget(namespace, projection, 'live'), { pointView: !other });
        if (!resumable) await dropRebuildTable(client, namespace, projection);
      }
      await storage.checkpoints.deleteUnresumableRebuildIn(client, projection.name, projection.version);
      const checkpoint = await storage.checkpoints.loadIn(client, key);
      if (checkpoint.state !== 'error') await storage.checkpoints.setStateIn(client, key, 'running');
      return { checkpoint, viewPending };
    },
    { bind: true, ddl: namespace },
  );
}
