import { EventStore, FeedCursor, FeedFollower, FeedFollowerOptions, FeedPage, ReadAllOptions, WakeSignal } from '@projectionist/event-store';
import { outsideTrace } from '@projectionist/tracing';
import { BackpressureLimits, DEFAULT_BACKPRESSURE, shouldPauseFetching } from './backpressure';
import { BatchStrategy, CommitSummary, SubscriptionContext } from './batch-strategy';
import { countRetry, ErrorPolicy, INFRA_MAX_DELAY_MS, isFencedOut, SubscriptionEnd, SubscriptionLogger, SubscriptionOutcome } from './error-policy';
import { retryDelayMs } from './retry-delay';
import { Pacer } from './pacer';
import { StagingQueue } from './staging-queue';

export interface SubscriptionOptions {
  /** For logs: e.g. `CarView@live`. */
  readonly name: string;
  readonly store: Pick<EventStore, 'readAll'>;
  readonly from: FeedCursor;
  /** Only events of these types (the cursor still moves past the others). */
  readonly types?: readonly string[];
  readonly categories?: readonly string[];
  /** Only this partition of the streams, only up to this cursor (a partition of a rebuild; see ReadAllOptions). */
  readonly partition?: ReadAllOptions['partition'];
  readonly upTo?: ReadAllOptions['upTo'];
  readonly wake: WakeSignal;
  readonly logger: SubscriptionLogger;
  readonly policy: ErrorPolicy;
  /** Builds what the batches do, given the subscription's context. */
  readonly strategy: (context: SubscriptionContext) => BatchStrategy;
  readonly pageSize?: number;
  /** How feed pages travel (see ReadAllOptions); default rows. */
  readonly feedEncoding?: ReadAllOptions['encoding'];
  /** Pages while behind (see FeedFollowerOptions.whileBehind). */
  readonly pagesWhileBehind?: FeedFollowerOptions['whileBehind'];
  /** Events per commit at most; whole pages, so at least one page. Default 500. */
  readonly commitEvery?: number;
  /**
   * While behind (pages still staged or the feed has more), commit only full batches of this
   * many events instead: a live agent catching up a backlog writes as a rebuild does. A document
   * written once per commit is then written once per this many events, not once per
   * `commitEvery`. Following the head, `commitEvery` applies.
   */
  readonly commitEveryWhileBehind?: number;
  readonly backpressure?: BackpressureLimits;
  readonly pollIntervalMs?: number;
  /** Caught up, the least time between the end of one read and the next; default 0. */
  readonly readGapMs?: number;
  /**
   * Ends the subscription once everything readable is committed and the feed has passed this
   * cursor (rebuilds: the last event committed when they began). Without it, it runs until
   * stopped. Until then commits wait for full batches (fewer, larger writes) unless the feed has
   * nothing more to read. With `reached`, it ends once its cursor has reached that one, caught
   * up or not.
   */
  readonly until?: { readonly caughtUpPast: FeedCursor } | { readonly reached: FeedCursor };
  /**
   * Commit only full batches until the feed has nothing more to read, as with `until`, though
   * running on after it (an online rebuild's builder: fewer, larger writes while it is behind).
   */
  readonly fullBatchesWhileBehind?: boolean;
  /** Applies at most this many events a second on average (see Pacer); default no cap. */
  readonly maxEventsPerSecond?: number;
  readonly onCommitted?: (summary: CommitSummary) => void;
  /** Called when the follower waits for more with everything it read committed (a moment a commit may not mark). */
  readonly onCaughtUp?: () => void;
}

/**
 * The engine every feed consumer runs on. A FeedFollower reads the feed (reading ahead while
 * behind) into a staging queue and pauses while too much is staged, so memory stays bounded
 * when the consumer is slow; the applier hands pages to the strategy in feed order and tells it
 * when to commit: at `commitEvery` events, when the strategy says it is full, and, following the
 * head, as soon as nothing more is staged (latency). It ends when told to stop, when caught up
 * past `until`, when fenced out, or on an error the policy does not retry.
 */
export class Subscription {
  private readonly queue = new StagingQueue();
  private readonly applyWake = new WakeSignal();
  private readonly drained = new WakeSignal();
  private readonly sleeper = new WakeSignal();
  private readonly strategy: BatchStrategy;
  private readonly follower: FeedFollower;
  private readonly pacer: Pacer | undefined;
  private stopping = false;
  private fetchDone = false;
  readonly done: Promise<SubscriptionOutcome>;

  constructor(private readonly options: SubscriptionOptions) {
    this.strategy = options.strategy(this.context());
    this.pacer = options.maxEventsPerSecond ? new Pacer(options.maxEventsPerSecond) : undefined;
    // Both loops run outside the trace of whoever started them (a rebuild's message, say): each
    // batch is a span of its own, linked to the appends it applies (see BatchLinks).
    this.follower = outsideTrace(() => new FeedFollower({
      store: options.store,
      from: options.from,
      handle: (page) => this.stage(page),
      pageSize: options.pageSize ?? 500,
      types: options.types,
      categories: options.categories,
      partition: options.partition,
      upTo: options.upTo,
      encoding: options.feedEncoding,
      whileBehind: options.pagesWhileBehind,
      pollIntervalMs: options.pollIntervalMs,
      wake: options.wake,
      readGapMs: options.readGapMs,
      until: options.until,
      onCaughtUp: () => {
        if (this.caughtUp) options.onCaughtUp?.();
      },
      // The database may be restarting: keep trying, with backoff, and say so.
      retryReads: {
        delayMs: (failures) => retryDelayMs(failures, { ...options.policy.retry, maxDelayMs: INFRA_MAX_DELAY_MS }),
        onFailure: (error, failures) => {
          countRetry(options.name, 'storage');
          options.logger.warn(`feed read failed (attempt ${failures}): ${error.message}`, options.name);
        },
      },
    }));
    this.done = outsideTrace(() => this.run());
  }

  /** Where the checkpoint stands. */
  get cursor(): FeedCursor {
    return this.strategy.cursor;
  }

  get staged(): number {
    return this.queue.staged;
  }

  get caughtUp(): boolean {
    return this.follower.caughtUp && this.queue.isEmpty && !this.strategy.open && !this.strategy.committing;
  }

  async stop(): Promise<SubscriptionOutcome> {
    this.stopping = true;
    this.wakeEveryWaiter();
    return this.done;
  }

  /** Both sides end before the outcome is given: no read or write of this subscription outlives it. */
  private async run(): Promise<SubscriptionOutcome> {
    let failure: unknown;
    const fail = (error: unknown) => {
      failure ??= error;
      this.stopping = true;
      this.wakeEveryWaiter();
    };
    await Promise.all([this.fetch().catch(fail), this.apply().catch(fail)]);
    if (failure === undefined) return this.stopping ? { kind: 'stopped' } : { kind: 'caught-up' };
    if (failure instanceof SubscriptionEnd) return failure.outcome;
    this.options.logger.error(failure instanceof Error ? failure : new Error(String(failure)), this.options.name);
    return { kind: 'error', error: { message: (failure as Error).message, at: new Date().toISOString() } };
  }

  /** Every wait of both sides ends, so that they see `stopping`. */
  private wakeEveryWaiter(): void {
    void this.follower.stop();
    for (const signal of [this.applyWake, this.drained, this.sleeper]) signal.notify();
  }

  private async fetch(): Promise<void> {
    try {
      await this.follower.done;
    } finally {
      this.fetchDone = true;
      this.applyWake.notify();
    }
  }

  /** Stages a page; while too much is staged, the follower waits here (backpressure). */
  private async stage(page: FeedPage): Promise<void> {
    this.queue.push(page);
    this.applyWake.notify();
    const { backpressure = DEFAULT_BACKPRESSURE, pollIntervalMs = 1000 } = this.options;
    let paused = false;
    while (!this.stopping && (paused = shouldPauseFetching(this.queue.staged, paused, backpressure))) await this.drained.wait(pollIntervalMs);
  }

  private async apply(): Promise<void> {
    try {
      await this.applyPages();
      await this.strategy.settle();
    } finally {
      // Never leave a write running behind the subscription: the next holder would race it.
      await this.strategy.settle().catch(() => undefined);
    }
  }

  private async applyPages(): Promise<void> {
    const { commitEvery = 500, commitEveryWhileBehind, pollIntervalMs = 1000, until, fullBatchesWhileBehind } = this.options;
    const strategy = this.strategy;
    while (!this.stopping) {
      await strategy.checkFailed();
      // Following the head, commit as soon as nothing more is staged; up to `until`, only full
      // batches, or what is readable once the feed has nothing more (the end, or a feed held back).
      const mayCommitPartial = !(until || fullBatchesWhileBehind || commitEveryWhileBehind) || this.fetchDone || this.follower.caughtUp;
      const behind = commitEveryWhileBehind !== undefined && !this.fetchDone && !(this.follower.caughtUp && this.queue.isEmpty);
      const batch = behind ? commitEveryWhileBehind : commitEvery;
      const page = this.queue.take(1);
      if (!page) {
        if (strategy.open && mayCommitPartial) await strategy.flush();
        else if (this.fetchDone && !strategy.open) return;
        else await this.applyWake.wait(pollIntervalMs);
        continue;
      }
      const wait = this.pacer?.delayFor(page.count, Date.now()) ?? 0;
      if (wait > 0) await this.sleeper.wait(wait);
      if (strategy.open && strategy.pending > 0 && strategy.pending + page.count > batch) await strategy.flush();
      await strategy.add(page);
      this.drained.notify();
      if (strategy.pending >= batch || strategy.full || (this.queue.isEmpty && mayCommitPartial)) await strategy.flush();
    }
  }

  private context(): SubscriptionContext {
    const { name, logger, policy, from } = this.options;
    const isStopping = () => this.stopping;
    return {
      name,
      logger,
      policy,
      from,
      get stopping() {
        return isStopping();
      },
      sleep: (ms) => this.sleeper.wait(ms),
      withInfraRetries: (what, work) => this.withInfraRetries(what, work),
      committed: (summary, options) => this.options.onCommitted?.({ ...summary, caughtUp: options?.caughtUp ?? this.caughtUp }),
    };
  }

  private async withInfraRetries<T>(what: string, work: () => Promise<T>): Promise<T> {
    const { logger, name, policy } = this.options;
    for (let failures = 1; ; failures++) {
      if (this.stopping) throw new SubscriptionEnd({ kind: 'stopped' });
      try {
        return await work();
      } catch (error) {
        if (isFencedOut(error)) throw policy.fencedOut(error);
        countRetry(name, 'storage');
        logger.warn(`${what} failed (attempt ${failures}), retrying: ${(error as Error).message}`, name);
        await this.sleeper.wait(retryDelayMs(failures, { ...policy.retry, maxDelayMs: INFRA_MAX_DELAY_MS }));
      }
    }
  }
}
