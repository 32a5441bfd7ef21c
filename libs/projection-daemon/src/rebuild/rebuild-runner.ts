import { EventStore, FEED_START, quoteIdentifier, WakeSignal } from '@projectionist/event-store';
import { Projection } from '@projectionist/projections';
import { etaMs, RateMeter } from '../agent/agent-progress';
import { AgentLogger, ProjectionAgent } from '../agent/projection-agent';
import type { ProjectionDaemon } from '../daemon/projection-daemon';
import { RebuildProgress } from '../daemon/projection-progress';
import { inFencedTransaction } from '../storage/fenced-transaction';
import { dropRebuildTable, recreateRebuildTable, swapInRebuiltTable } from '../storage/projection-tables';

export type RebuildResult =
  | { readonly status: 'completed'; readonly processed: number; readonly durationMs: number }
  | { readonly status: 'cancelled'; readonly processed: number }
  | { readonly status: 'failed'; readonly processed: number; readonly error: string; readonly eventPosition?: number };

export interface RebuildRunnerOptions {
  readonly daemon: ProjectionDaemon;
  readonly namespace: string;
  readonly store: EventStore;
  readonly projection: Projection;
  readonly epoch: number;
  readonly logger: AgentLogger;
  readonly wake: WakeSignal;
  readonly onProgress: (progress: RebuildProgress) => void;
}

/**
 * A rebuild is the normal projection path with a reset and a stop condition: a fresh table
 * beside the live one, replayed from the start of the feed with large pages and transactions
 * until caught up, then swapped in (table and checkpoint) in one transaction. Until the swap
 * readers keep the live table; a failed or cancelled rebuild leaves it untouched.
 */
export class RebuildRunner {
  private processed = 0;
  private readonly rate = new RateMeter(2_000);
  private readonly startedAt = new Date().toISOString();
  private total = 0;

  constructor(private readonly options: RebuildRunnerOptions) {}

  async run(signal?: AbortSignal): Promise<RebuildResult> {
    const { daemon, projection, namespace } = this.options;
    const started = Date.now();
    const pool = daemon.storage.pool;
    const key = { projection: projection.name, version: projection.version, slot: 'rebuild' as const };
    const client = await pool.connect();
    let target;
    try {
      target = await recreateRebuildTable(client, namespace, projection);
    } finally {
      client.release();
    }
    await daemon.storage.checkpoints.reset(key);
    this.total = await this.countEvents();
    this.report('replaying');

    const agent = new ProjectionAgent({
      target,
      store: this.options.store,
      storage: daemon.storage,
      epoch: this.options.epoch,
      from: FEED_START,
      wake: this.options.wake,
      logger: this.options.logger,
      pageSize: daemon.tuning.rebuildPageSize,
      feedEncoding: daemon.tuning.rebuildFeedEncoding,
      commitEvery: daemon.tuning.rebuildCommitEvery,
      // A few pages ahead of the applier: enough to overlap reading and applying, little memory.
      backpressure: { high: daemon.tuning.rebuildPageSize * 4, low: daemon.tuning.rebuildPageSize * 2 },
      pollIntervalMs: daemon.tuning.pollIntervalMs,
      stopWhenCaughtUp: true,
      onCommitted: ({ count }) => {
        this.processed += count;
        this.rate.record(count);
        this.report('replaying');
      },
    });
    const abort = () => void agent.stop();
    signal?.addEventListener('abort', abort);
    const outcome = await agent.done.finally(() => {
      signal?.removeEventListener('abort', abort);
      daemon.dropWake(this.options.wake);
    });

    if (outcome.kind === 'caught-up') {
      this.report('swapping');
      await this.swap();
      this.report('done');
      return { status: 'completed', processed: this.processed, durationMs: Date.now() - started };
    }
    await this.discard();
    if (outcome.kind === 'stopped') {
      this.report('cancelled');
      return { status: 'cancelled', processed: this.processed };
    }
    const error = outcome.kind === 'error' ? outcome.error : { message: 'lease lost: another worker took over', eventPosition: undefined };
    this.report('failed', error.message);
    return { status: 'failed', processed: this.processed, error: error.message, eventPosition: error.eventPosition };
  }

  private async swap(): Promise<void> {
    const { daemon, projection, namespace, epoch } = this.options;
    await inFencedTransaction(daemon.storage, projection.name, epoch, async (client) => {
      await swapInRebuiltTable(client, namespace, projection);
      await daemon.storage.checkpoints.promoteRebuildIn(client, projection.name, projection.version);
    });
  }

  private async discard(): Promise<void> {
    const { daemon, projection, namespace } = this.options;
    const client = await daemon.storage.pool.connect();
    try {
      await dropRebuildTable(client, namespace, projection);
      await client.query(
        `DELETE FROM ${quoteIdentifier(namespace)}.projection_checkpoints WHERE projection = $1 AND version = $2 AND slot = 'rebuild'`,
        [projection.name, projection.version],
      );
    } finally {
      client.release();
    }
  }

  private async countEvents(): Promise<number> {
    const { rows } = await this.options.daemon.storage.pool.query(
      `SELECT count(*)::bigint AS n FROM ${quoteIdentifier(this.options.namespace)}.events WHERE type = ANY ($1::text[])`,
      [this.options.projection.eventTypes],
    );
    return Number(rows[0].n);
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
