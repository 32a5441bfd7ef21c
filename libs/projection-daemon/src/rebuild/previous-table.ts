import { Projection } from '@projectionist/projections';
import { PoolClient } from 'pg';
import { AgentLogger } from '../agent/projection-agent';
import type { BatchStorage } from '../storage/batch-storage';
import { inFencedTransaction } from '../storage/fenced-transaction';
import { LeaseHold, LeaseLostError } from '../storage/lease-fence';
import { dropRetiredTable, exchangeRetiredTable } from '../storage/projection-tables';

export class NoPreviousTableError extends Error {
  constructor(readonly projection: string) {
    super(`Projection ${projection} has no previous table to roll back to (none kept, or it expired)`);
    this.name = 'NoPreviousTableError';
  }
}

/** The table an online rebuild retired and its checkpoint go together. */
async function dropPrevious(client: PoolClient, storage: BatchStorage, namespace: string, projection: Projection): Promise<void> {
  await dropRetiredTable(client, namespace, projection);
  await storage.checkpoints.deleteIn(client, { projection: projection.name, version: projection.version, slot: 'previous' });
}

/** Drops what an earlier online rebuild retired, under `hold`: before a new one retires the live table. */
export function dropPreviousTable(storage: BatchStorage, hold: LeaseHold, namespace: string, projection: Projection): Promise<void> {
  return inFencedTransaction(storage, hold, (client) => dropPrevious(client, storage, namespace, projection), { ddl: namespace });
}

/**
 * Rollback: the table an online rebuild retired becomes the live one again, with the checkpoint
 * it stood at, and the rebuilt one is kept as the previous (a second rollback undoes the first).
 * The live agent is stopped meanwhile; started again, it applies what came since the switch.
 * `hold` is bound as the projection's agent, fencing out anything still writing.
 */
export async function rollBackToPrevious(storage: BatchStorage, hold: LeaseHold, namespace: string, projection: Projection, lockTimeoutMs: number): Promise<void> {
  await inFencedTransaction(
    storage,
    hold,
    async (client) => {
      // As the swap: give up rather than stall the readers queued behind the DDL.
      await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(lockTimeoutMs))}`);
      if (!(await exchangeRetiredTable(client, namespace, projection))) throw new NoPreviousTableError(projection.name);
      await storage.checkpoints.exchangePreviousIn(client, projection.name, projection.version);
    },
    { bind: true, ddl: namespace },
  );
}

/**
 * Drops previous tables kept longer than `keepMs` (REBUILD_KEEP_PREVIOUS_MS), each under its live
 * agent's hold, at most once every `everyMs`.
 */
export class PreviousTableSweeper {
  private lastSweep = 0;

  constructor(
    private readonly storage: BatchStorage,
    private readonly namespace: string,
    private readonly keepMs: number,
    private readonly logger: AgentLogger,
    private readonly everyMs = Math.min(60_000, Math.max(50, keepMs / 2)),
  ) {}

  async sweep(live: readonly { projection: Projection; hold: LeaseHold }[]): Promise<void> {
    if (Date.now() - this.lastSweep < this.everyMs) return;
    this.lastSweep = Date.now();
    for (const { projection, hold } of live) {
      try {
        await inFencedTransaction(this.storage, hold, async (client) => {
          if (!(await this.storage.checkpoints.previousOlderThanIn(client, projection.name, projection.version, this.keepMs))) return;
          await dropPrevious(client, this.storage, this.namespace, projection);
          this.logger.log({ msg: 'previous table dropped', projection: projection.name, keptMs: this.keepMs }, 'ProjectionDaemon');
        }, { ddl: this.namespace });
      } catch (error) {
        if (!(error instanceof LeaseLostError)) this.logger.warn(`could not drop the previous table of ${projection.name}: ${(error as Error).message}`, 'ProjectionDaemon');
      }
    }
  }
}
