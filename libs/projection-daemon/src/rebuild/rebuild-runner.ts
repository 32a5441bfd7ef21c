import { EventStore, FEED_START, WakeSignal } from '@projectionist/event-store';
import { Projection } from '@projectionist/projections';
import { etaMs, RateMeter } from '../agent/agent-progress';
import { AgentLogger, AgentOutcome, ProjectionAgent } from '../agent/projection-agent';
import type { DaemonTuning } from '../daemon/daemon-options';
import { RebuildProgress } from '../daemon/projection-progress';
import type { BatchStorage } from '../storage/batch-storage';
import { CheckpointKey } from '../storage/checkpoint-store';
import { inFencedTransaction } from '../storage/fenced-transaction';
import { LeaseHold, LeaseLostError } from '../storage/lease-fence';
import { dropRebuildTable, recreateRebuildTable, swapInRebuiltTable } from '../storage/projection-tables';

export type RebuildResult =
  | {
      readonly status: 'completed';
      readonly processed: number;
      readonly durationMs: number;
      /** Online: how long the projection's live agent was stopped for the switch, its restart included. */
      readonly switchPauseMs?: number;
    }
  | { readonly status: 'cancelled'; readonly processed: number }
  | { readonly status: 'failed'; readonly processed: number; readonly error: string; readonly eventPosition?: number };

export interface RebuildRunnerOptions {
  readonly storage: BatchStorage;
  readonly tuning: DaemonTuning;
  readonly namespace: string;
  readonly store: EventStore;
  readonly projection: Projection;
  /** The node's epoch for the projection; the runner binds its own agent token under it. */
  readonly epoch: number;
  readonly logger: AgentLogger;
  readonly wake: WakeSignal;
  readonly onProgress: (progress: RebuildProgress) => void;
}

/**
 * A rebuild is the normal projection path with a reset and a stop condition: a fresh table
 * beside the live one, replayed from the start of the feed with large pages and transactions
 * until caught up, then swapped in (table and checkpoint) in one transaction. Until the swap
 * readers keep the live table; a failed or cancelled rebuild leaves it untouched. Every write,
 * from the reset to the swap or the clean-up, is fenced by the rebuild's own hold on the lease.
 */
export class RebuildRunner {
  private processed = 0;
  private readonly rate = new RateMeter(2_000);
  private readonly startedAt = new Date().toISOString();
  private total = 0;
  private readonly hold: LeaseHold;
  private readonly key: CheckpointKey;

  constructor(private readonly options: RebuildRunnerOptions) {
    this.hold = options.storage.fence.newHold(options.projection.name, options.epoch);
    this.key = { projection: options.projection.name, version: options.projection.version, slot: 'rebuild' };
  }

  /** Never throws: whatever goes wrong ends the run as failed, with the rebuild's leftovers removed where the lease allows. */
  async run(signal?: AbortSignal): Promise<RebuildResult> {
    const started = Date.now();
    let outcome: AgentOutcome;
    try {
      outcome = await this.replay(signal);
      if (outcome.kind === 'caught-up') {
        this.report('swapping');
        await this.swap();
        this.report('done');
        return { status: 'completed', processed: this.processed, durationMs: Date.now() - started };
      }
    } catch (error) {
      outcome = { kind: 'error', error: { message: (error as Error).message, at: new Date().toISOString() } };
      this.options.logger.error({ msg: 'rebuild failed', projection: this.options.projection.name, error: (error as Error).message }, 'RebuildRunner');
    }
    await this.discard();
    if (outcome.kind === 'stopped') {
      this.report('cancelled');
      return { status: 'cancelled', processed: this.processed };
    }
    const error = outcome.kind === 'error' ? outcome.error : { message: 'lease lost: another worker or agent took the projection over', eventPosition: undefined };
    this.report('failed', error.message);
    return { status: 'failed', processed: this.processed, error: error.message, eventPosition: error.eventPosition };
  }

  private async replay(signal?: AbortSignal): Promise<AgentOutcome> {
    const { storage, tuning, namespace, projection } = this.options;
    const target = await inFencedTransaction(
      storage,
      this.hold,
      async (client) => {
        const created = await recreateRebuildTable(client, namespace, projection);
        await storage.checkpoints.resetIn(client, this.key);
        return created;
      },
      { bind: true },
    );
    const { lastCursor } = await this.options.store.readHead();
    this.total = await this.options.store.countEvents(this.options.projection.eventTypes);
    this.report('replaying');
    if (signal?.aborted) return { kind: 'stopped' };

    const agent = new ProjectionAgent({
      target,
      store: this.options.store,
      storage,
      hold: this.hold,
      from: FEED_START,
      wake: this.options.wake,
      logger: this.options.logger,
      pageSize: tuning.rebuildPageSize,
      feedEncoding: tuning.rebuildFeedEncoding,
      commitEvery: tuning.rebuildCommitEvery,
      // A few pages ahead of the applier: enough to overlap reading and applying, little memory.
      backpressure: { high: tuning.rebuildPageSize * 4, low: tuning.rebuildPageSize * 2 },
      pollIntervalMs: tuning.pollIntervalMs,
      stopWhenCaughtUp: true,
      stopNotBefore: lastCursor,
      onCommitted: ({ count }) => {
        this.processed += count;
        this.rate.record(count);
        this.report('replaying');
      },
    });
    const abort = () => void agent.stop();
    signal?.addEventListener('abort', abort);
    try {
      return await agent.done;
    } finally {
      signal?.removeEventListener('abort', abort);
    }
  }

  private async swap(): Promise<void> {
    const { storage, projection, namespace, tuning } = this.options;
    await inFencedTransaction(storage, this.hold, async (client) => {
      // The swap's DDL queues every reader of the table behind it: give up rather than stall them.
      await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(tuning.swapLockTimeoutMs))}`);
      await swapInRebuiltTable(client, namespace, projection);
      await storage.checkpoints.promoteRebuildIn(client, projection.name, projection.version);
    });
  }

  /** Removes the rebuild table and checkpoint; without the lease they are the next holder's to remove. */
  private async discard(): Promise<void> {
    const { storage, projection, namespace } = this.options;
    try {
      await inFencedTransaction(storage, this.hold, async (client) => {
        await dropRebuildTable(client, namespace, projection);
        await storage.checkpoints.deleteIn(client, this.key);
      });
    } catch (error) {
      const level = error instanceof LeaseLostError ? 'warn' : 'error';
      this.options.logger[level]({ msg: 'rebuild leftovers not removed', projection: projection.name, error: (error as Error).message }, 'RebuildRunner');
    }
  }

  private report(phase: RebuildProgress['phase'], error?: string): void {
    const perSecond = this.rate.perSecond();
    this.options.onProgress({
      phase,
      processed: this.processed,
      total: Math.max(this.total, this.processed),
      eventsPerSecond: perSecond,
      etaMs: phase === 'replaying' ? etaMs(this.total - this.processed, perSecond) : 0,
      startedAt: this.startedAt,
      ...(error ? { error } : {}),
    });
  }
}
