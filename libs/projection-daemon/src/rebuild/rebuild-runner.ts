import { EventStore, FEED_START, WakeSignal } from '@projectionist/event-store';
import { Projection } from '@projectionist/projections';
import { AgentLogger, AgentOutcome, ProjectionAgent } from '../agent/projection-agent';
import type { DaemonTuning } from '../daemon/daemon-options';
import { RebuildProgress } from '../daemon/projection-progress';
import type { BatchStorage } from '../storage/batch-storage';
import { inFencedTransaction } from '../storage/fenced-transaction';
import { swapInRebuiltTable } from '../storage/projection-tables';
import { rebuildAgentTuning, RebuildSlot } from './rebuild-slot';

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
  private readonly slot: RebuildSlot;

  constructor(private readonly options: RebuildRunnerOptions) {
    this.slot = new RebuildSlot(options, options.storage.fence.newHold(options.projection.name, options.epoch));
  }

  /** Never throws: whatever goes wrong ends the run as failed, with the rebuild's leftovers removed where the lease allows. */
  run(signal?: AbortSignal): Promise<RebuildResult> {
    return this.slot.settle(async () => {
      const outcome = await this.replay(signal);
      if (outcome.kind !== 'caught-up') return outcome;
      this.slot.report('swapping');
      await this.swap();
      return 'completed';
    });
  }

  private async replay(signal?: AbortSignal): Promise<AgentOutcome> {
    const { storage, tuning } = this.options;
    const target = await this.slot.prepare();
    const { lastCursor } = await this.options.store.readHead();
    this.slot.total = await this.options.store.countEvents(this.options.projection.eventTypes);
    this.slot.report('replaying');
    if (signal?.aborted) return { kind: 'stopped' };

    const agent = new ProjectionAgent({
      target,
      store: this.options.store,
      storage,
      hold: this.slot.hold,
      from: FEED_START,
      wake: this.options.wake,
      logger: this.options.logger,
      ...rebuildAgentTuning(tuning),
      stopWhenCaughtUp: true,
      stopNotBefore: lastCursor,
      onCommitted: ({ count }) => {
        this.slot.counted(count);
        this.slot.report('replaying');
      },
    });
    return agent.runUntilAborted(signal);
  }

  private async swap(): Promise<void> {
    const { storage, projection, namespace, tuning } = this.options;
    await inFencedTransaction(storage, this.slot.hold, async (client) => {
      // The swap's DDL queues every reader of the table behind it: give up rather than stall them.
      await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(tuning.swapLockTimeoutMs))}`);
      // The checkpoint first: from the view's lock in the swap to the commit readers wait.
      await storage.checkpoints.promoteRebuildIn(client, projection.name, projection.version);
      await swapInRebuiltTable(client, namespace, projection);
    }, { ddl: namespace });
  }
}
