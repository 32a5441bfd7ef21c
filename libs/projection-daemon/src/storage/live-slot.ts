import { Projection } from '@projectionist/projections';
import type { BatchStorage } from './batch-storage';
import { Checkpoint } from './checkpoint-store';
import { inFencedTransaction } from './fenced-transaction';
import { LeaseHold } from './lease-fence';
import { dropRebuildTable, ensureProjectionTable, liveSlotInPlace } from './projection-tables';
import { projectionTarget } from './projection-target';

/**
 * Binds `hold` as the projection's one writer and, in the same fenced transaction, makes sure of
 * its live table and view, removes what an interrupted rebuild left (its table and checkpoint:
 * no rebuild runs beside the agent bound now), and marks the checkpoint running unless it is in
 * error. Returns the live checkpoint the agent starts from.
 */
export function prepareLiveSlot(storage: BatchStorage, namespace: string, projection: Projection, hold: LeaseHold): Promise<Checkpoint> {
  const key = { projection: projection.name, version: projection.version, slot: 'live' as const };
  return inFencedTransaction(
    storage,
    hold,
    async (client) => {
      if (!(await liveSlotInPlace(client, namespace, projection))) {
        await ensureProjectionTable(client, projectionTarget(namespace, projection, 'live'));
        await dropRebuildTable(client, namespace, projection);
      }
      await storage.checkpoints.deleteIn(client, { ...key, slot: 'rebuild' });
      const loaded = await storage.checkpoints.loadIn(client, key);
      if (loaded.state !== 'error') await storage.checkpoints.setStateIn(client, key, 'running');
      return loaded;
    },
    { bind: true },
  );
}
