import { FEED_START, FeedCursor, hasReached, WakeSignal } from '@projectionist/event-store';
import { etaMs, RateMeter } from '../agent/agent-progress';
import { AgentOutcome, ProjectionAgent, ProjectionAgentOptions } from '../agent/projection-agent';
import { RebuildProgress } from '../daemon/projection-progress';
import { CheckpointKey } from '../storage/checkpoint-store';
import { inFencedTransaction } from '../storage/fenced-transaction';
import { LeaseHold, LeaseLostError } from '../storage/lease-fence';
import { dropRebuildTable, dropRetiredTable, recreateRebuildTable, swapInRebuiltTable } from '../storage/projection-tables';
import { ProjectionTarget } from '../storage/projection-target';
import { RebuildResult, RebuildRunnerOptions } from './rebuild-runner';

export interface OnlineRebuildOptions extends RebuildRunnerOptions {
  /** Stops the live agent and resolves with the cursor it had committed: where the switch starts from. */
  readonly stopLive: () => Promise<FeedCursor>;
}

/** How often the distance to the head is read again while building. */
const HEAD_REFRESH_MS = 500;

/**
 * An online rebuild: the projection is built in a fresh table beside the live one by an agent of
 * its own (the lease's builder token), while the live agent goes on applying to the table readers
 * use; no write waits for it. Building: from the start of the feed up to the head when it began.
 * Catching up: on until it is caught up with the feed. Switching, the one step that pauses this
 * projection (and only this one): the live agent stops where it is, the builder applies what it
 * still lacks up to there, and one transaction swaps the tables and moves the checkpoint; the
 * daemon then starts the live agent on the new table. Readers see the old complete table until
 * that commit and the new complete one after. A failed or cancelled run leaves the live table as
 * it was and removes the new one.
 */
export class OnlineRebuild {
  private processed = 0;
  private readonly rate = new RateMeter(2_000);
  private readonly startedAt = new Date().toISOString();
  private total = 0;
  private headPosition = 0;
  private headReadAt = 0;
  private phase: RebuildProgress['phase'] = 'building';
  private readonly hold: LeaseHold;
  private readonly key: CheckpointKey;
  private readonly ready = new WakeSignal();

  constructor(private readonly options: OnlineRebuildOptions) {
    this.hold = options.storage.fence.newHold(options.projection.name, options.epoch, 'builder');
    this.key = { projection: options.projection.name, version: options.projection.version, slot: 'rebuild' };
  }

  /** Never throws: whatever goes wrong ends the run as failed or cancelled, the live table untouched. */
  async run(signal?: AbortSignal): Promise<RebuildResult & { switchedAt?: number }> {
    const started = Date.now();
    let outcome: AgentOutcome | 'switched';
    try {
      outcome = await this.buildAndSwitch(signal);
      if (outcome === 'switched') {
        this.report('done');
        return { status: 'completed', processed: this.processed, durationMs: Date.now() - started, switchedAt: this.switchedAt };
      }
    } catch (error) {
      outcome = { kind: 'error', error: { message: (error as Error).message, at: new Date().toISOString() } };
      this.options.logger.error({ msg: 'online rebuild failed', projection: this.options.projection.name, error: (error as Error).message }, 'OnlineRebuild');
    }
    await this.discard();
    if (outcome.kind === 'stopped') {
      this.report('cancelled');
      return { status: 'cancelled', processed: this.processed };
    }
    const error = outcome.kind === 'error' ? outcome.error : { message: 'lease lost: another worker or agent took the projection over', eventPosition: undefined };
    this.report('failed', undefined, error.message);
    return { status: 'failed', processed: this.processed, error: error.message, eventPosition: error.eventPosition };
  }

  private switchedAt: number | undefined;

  private async buildAndSwitch(signal?: AbortSignal): Promise<AgentOutcome | 'switched'> {
    const target = await this.prepare();
    const head = (await this.options.store.readHead()).lastCursor;
    this.total = await this.options.store.countEvents(this.options.projection.eventTypes);
    this.report('building');
    const builder = this.agent(target, FEED_START, {
      onCommitted: (summary) => this.committed(summary.count, summary.cursor, head, summary.caughtUp),
      onCaughtUp: () => this.ready.notify(),
    });
    const ended = builder.done.then((outcome) => {
      this.ready.notify();
      return outcome;
    });
    let end: AgentOutcome | undefined;
    void ended.then((outcome) => (end = outcome));
    while (!(builder.caughtUp && hasReached(builder.cursor, head))) {
      if (end) return end;
      if (signal?.aborted) return builder.stop();
      await this.ready.wait(100);
    }
    // What an earlier swap retired goes now, outside the pause.
    await inFencedTransaction(this.options.storage, this.hold, (client) => dropRetiredTable(client, this.options.namespace, this.options.projection));
    // Switching: this projection pauses here, and only until the swap has committed.
    this.switchedAt = Date.now();
    this.report('switching');
    const liveAt = await this.options.stopLive();
    const stopped = await builder.stop();
    if (stopped.kind !== 'stopped') return stopped;
    if (!hasReached(builder.cursor, liveAt)) {
      const last = await this.agent(target, builder.cursor, { stopAt: liveAt, onCommitted: (s) => this.committed(s.count, s.cursor, head, false) }).done;
      if (last.kind !== 'caught-up') return last;
    }
    await this.swap();
    return 'switched';
  }

  private prepare(): Promise<ProjectionTarget> {
    const { storage, namespace, projection } = this.options;
    return inFencedTransaction(
      storage,
      this.hold,
      async (client) => {
        const created = await recreateRebuildTable(client, namespace, projection);
        await storage.checkpoints.resetIn(client, this.key);
        return created;
      },
      { bind: true },
    );
  }

  private agent(target: ProjectionTarget, from: FeedCursor, extra: Partial<ProjectionAgentOptions>): ProjectionAgent {
    const { storage, tuning } = this.options;
    return new ProjectionAgent({
      target,
      store: this.options.store,
      storage,
      hold: this.hold,
      from,
      wake: this.options.wake,
      logger: this.options.logger,
      pageSize: tuning.rebuildPageSize,
      feedEncoding: tuning.rebuildFeedEncoding,
      commitEvery: tuning.rebuildCommitEvery,
      backpressure: { high: tuning.rebuildPageSize * 4, low: tuning.rebuildPageSize * 2 },
      pollIntervalMs: tuning.pollIntervalMs,
      fullBatchesWhileBehind: true,
      ...extra,
    });
  }

  private committed(count: number, cursor: FeedCursor, head: FeedCursor, caughtUp: boolean): void {
    this.processed += count;
    this.rate.record(count);
    if (this.phase === 'building' && hasReached(cursor, head)) this.phase = 'catching-up';
    if (caughtUp) this.ready.notify();
    if (this.phase === 'building' || this.phase === 'catching-up') this.report(this.phase, cursor);
  }

  /** The tables and the checkpoint in one transaction, the builder's token released with them. */
  private async swap(): Promise<void> {
    const { storage, projection, namespace, tuning } = this.options;
    await inFencedTransaction(storage, this.hold, async (client) => {
      // The swap's DDL queues every reader of the table behind it: give up rather than stall them.
      await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(tuning.swapLockTimeoutMs))}`);
      // The retired table is dropped by the next online rebuild, before its pause, not in this one.
      await swapInRebuiltTable(client, namespace, projection, { keepRetired: true });
      await storage.checkpoints.promoteRebuildIn(client, projection.name, projection.version);
      await storage.fence.releaseBuilderIn(client, this.hold);
    });
  }

  /** Removes the new table and its checkpoint; without the lease they are the next holder's to remove. */
  private async discard(): Promise<void> {
    const { storage, projection, namespace } = this.options;
    try {
      await inFencedTransaction(storage, this.hold, async (client) => {
        await dropRebuildTable(client, namespace, projection);
        await storage.checkpoints.deleteIn(client, this.key);
        await storage.fence.releaseBuilderIn(client, this.hold);
      });
    } catch (error) {
      const level = error instanceof LeaseLostError ? 'warn' : 'error';
      this.options.logger[level]({ msg: 'online rebuild leftovers not removed', projection: projection.name, error: (error as Error).message }, 'OnlineRebuild');
    }
  }

  private report(phase: RebuildProgress['phase'], cursor?: FeedCursor, error?: string): void {
    this.phase = phase;
    if (cursor && Date.now() - this.headReadAt > HEAD_REFRESH_MS) {
      this.headReadAt = Date.now();
      void this.options.store.readHead().then(
        (head) => (this.headPosition = head.lastPosition),
        () => undefined,
      );
    }
    const perSecond = this.rate.perSecond();
    const building = phase === 'building' || phase === 'catching-up';
    this.options.onProgress({
      phase,
      processed: this.processed,
      total: Math.max(this.total, this.processed),
      eventsPerSecond: perSecond,
      etaMs: building ? etaMs(this.total - this.processed, perSecond) : 0,
      startedAt: this.startedAt,
      mode: 'online',
      ...(cursor ? { distanceToHead: Math.max(0, this.headPosition - cursor.position) } : {}),
      ...(error ? { error } : {}),
    });
  }
}
