import { etaMs, RateMeter } from '../agent/agent-progress';
import { AgentLogger, AgentOutcome } from '../agent/projection-agent';
import type { DaemonTuning } from '../daemon/daemon-options';
import { RebuildProgress } from '../daemon/projection-progress';
import type { BatchStorage } from '../storage/batch-storage';
import { CheckpointKey } from '../storage/checkpoint-store';
import { inFencedTransaction } from '../storage/fenced-transaction';
import { LeaseHold, LeaseLostError } from '../storage/lease-fence';
import { dropRebuildTable, recreateRebuildTable } from '../storage/projection-tables';
import { projectionTarget, ProjectionTarget } from '../storage/projection-target';
import { PartitionSlots } from '../storage/partition-slots';
import { PoolClient } from 'pg';
import { FeedCursor } from '@projectionist/event-store';
import { Projection } from '@projectionist/projections';
import type { RebuildResult } from './rebuild-runner';

/** How a rebuild's agents read and commit: large pages and transactions, a few pages ahead of the applier (little memory). */
export function rebuildAgentTuning(tuning: DaemonTuning) {
  return {
    pageSize: tuning.rebuildPageSize,
    feedEncoding: tuning.rebuildFeedEncoding,
    commitEvery: tuning.rebuildCommitEvery,
    backpressure: { high: tuning.rebuildPageSize * 4, low: tuning.rebuildPageSize * 2 },
    pollIntervalMs: tuning.pollIntervalMs,
  };
}

/**
 * An online rebuild's builders (the whole build, or each partition): the rebuild's tuning, and the
 * operator's cap, since the live table and the writes go on meanwhile and may need the room.
 */
export function onlineBuilderTuning(tuning: DaemonTuning) {
  return { ...rebuildAgentTuning(tuning), maxEventsPerSecond: tuning.onlineRebuildMaxEventsPerSecond || undefined };
}

/** Where a resumed online run stands: its own slot, at its checkpoint; or swapped in already, the live slot at that cursor. */
export type ResumePoint = { readonly kind: 'slot'; readonly target: ProjectionTarget; readonly cursor: FeedCursor } | { readonly kind: 'switched'; readonly cursor: FeedCursor };

interface SlotOptions {
  readonly storage: BatchStorage;
  readonly namespace: string;
  readonly projection: Projection;
  readonly logger: AgentLogger;
  readonly onProgress: (progress: RebuildProgress) => void;
}

/**
 * What a blocking and an online rebuild share: the rebuild slot (a table beside the live one and
 * its checkpoint, written only under the rebuild's hold), its progress, and how a run ends.
 */
export class RebuildSlot {
  readonly key: CheckpointKey;
  /** A partitioned online run's partitions (see PartitionSlots), removed with the slot. */
  readonly partitions: PartitionSlots;
  processed = 0;
  total = 0;
  private readonly rate = new RateMeter(2_000);
  private readonly startedAt = new Date().toISOString();

  constructor(
    private readonly options: SlotOptions,
    readonly hold: LeaseHold,
  ) {
    this.key = { projection: options.projection.name, version: options.projection.version, slot: 'rebuild' };
    this.partitions = new PartitionSlots(options.storage.pool, options.namespace, { projection: options.projection.name, version: options.projection.version });
  }

  /**
   * A fresh table and a checkpoint at the start of the feed, binding the rebuild's hold. With
   * `runId` (an online run), the checkpoint names the run, so that the run can be resumed from it.
   */
  prepare(runId?: string, alsoIn?: (client: PoolClient) => Promise<void>): Promise<ProjectionTarget> {
    const { storage, namespace, projection } = this.options;
    return inFencedTransaction(
      storage,
      this.hold,
      async (client) => {
        const created = await recreateRebuildTable(client, namespace, projection);
        await storage.checkpoints.resetIn(client, this.key, runId ?? null);
        // An earlier run's partitions go with its table: their workers' next commits find no token.
        await this.partitions.deleteIn(client);
        await alsoIn?.(client);
        return created;
      },
      { bind: true, ddl: namespace },
    );
  }

  /**
   * Binds the rebuild's hold (fencing out every earlier builder: a worker that died, or one that
   * lost the lease) and finds where the online run `runId` stands: its slot, at the checkpoint
   * committed with its table; or switched already (its swap committed, then its worker died
   * before reporting it), the hold released again; or nothing of it (undefined: start afresh).
   */
  resume(runId: string): Promise<ResumePoint | undefined> {
    const { storage, namespace, projection } = this.options;
    return inFencedTransaction(
      storage,
      this.hold,
      async (client): Promise<ResumePoint | undefined> => {
        const target = projectionTarget(namespace, projection, 'rebuild');
        const slot = await storage.checkpoints.runOfIn(client, this.key);
        const { rows } = await client.query(`SELECT to_regclass($1) AS t`, [target.qualifiedTable]);
        if (slot?.runId === runId && rows[0].t !== null) return { kind: 'slot', target, cursor: slot.cursor };
        await storage.fence.releaseBuilderIn(client, this.hold);
        const live = await storage.checkpoints.runOfIn(client, { ...this.key, slot: 'live' });
        if (live?.runId === runId) return { kind: 'switched', cursor: live.cursor };
        return undefined;
      },
      { bind: true },
    );
  }

  counted(count: number): void {
    this.processed += count;
    this.rate.record(count);
  }

  report(phase: RebuildProgress['phase'], extra: Partial<RebuildProgress> = {}): void {
    const perSecond = this.rate.perSecond();
    const running = phase === 'replaying' || phase === 'building' || phase === 'catching-up';
    this.options.onProgress({
      phase,
      processed: this.processed,
      total: Math.max(this.total, this.processed),
      eventsPerSecond: perSecond,
      etaMs: running ? etaMs(this.total - this.processed, perSecond) : 0,
      startedAt: this.startedAt,
      ...extra,
    });
  }

  /**
   * Runs the rebuild and says how it ended; whatever did not complete leaves the live table as it
   * was and the slot removed (where the lease allows). Never throws.
   */
  async settle(work: () => Promise<AgentOutcome | 'completed'>, extra: Partial<RebuildProgress> = {}): Promise<RebuildResult> {
    const started = Date.now();
    let outcome: AgentOutcome | 'completed';
    try {
      outcome = await work();
      if (outcome === 'completed') {
        this.report('done', extra);
        return { status: 'completed', processed: this.processed, durationMs: Date.now() - started };
      }
    } catch (error) {
      outcome = { kind: 'error', error: { message: (error as Error).message, at: new Date().toISOString() } };
      this.options.logger.error({ msg: 'rebuild failed', projection: this.options.projection.name, error: (error as Error).message }, 'Rebuild');
    }
    await this.discard();
    if (outcome.kind === 'stopped') {
      this.report('cancelled', extra);
      return { status: 'cancelled', processed: this.processed };
    }
    const error = outcome.kind === 'error' ? outcome.error : { message: 'lease lost: another worker or agent took the projection over', eventPosition: undefined };
    this.report('failed', { ...extra, error: error.message });
    return { status: 'failed', processed: this.processed, error: error.message, eventPosition: error.eventPosition };
  }

  /** Removes the table and checkpoint (and a builder's token); without the lease they are the next holder's to remove. */
  private async discard(): Promise<void> {
    const { storage, projection, namespace } = this.options;
    try {
      await inFencedTransaction(storage, this.hold, async (client) => {
        await dropRebuildTable(client, namespace, projection);
        await storage.checkpoints.deleteIn(client, this.key);
        await this.partitions.deleteIn(client);
        if (this.hold.role === 'builder') await storage.fence.releaseBuilderIn(client, this.hold);
      }, { ddl: namespace });
    } catch (error) {
      const level = error instanceof LeaseLostError ? 'warn' : 'error';
      this.options.logger[level]({ msg: 'rebuild leftovers not removed', projection: projection.name, error: (error as Error).message }, 'Rebuild');
    }
  }
}
