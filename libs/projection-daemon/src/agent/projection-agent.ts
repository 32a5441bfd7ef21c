import { EventStore, FEED_START, FeedCursor, FeedFollowerOptions, ReadAllOptions, WakeSignal } from '@projectionist/event-store';
import { LeaseHold } from '../storage/lease-fence';
import { ProjectionTarget } from '../storage/projection-target';
import type { BatchStorage } from '../storage/batch-storage';
import { BackpressureLimits } from '../subscription/backpressure';
import { BatchStrategy, CommitSummary, SubscriptionContext } from '../subscription/batch-strategy';
import { ErrorPolicy, SubscriptionLogger, SubscriptionOutcome } from '../subscription/error-policy';
import { Subscription } from '../subscription/subscription';
import { BatchCommitter } from './batch-committer';
import { DocumentStrategy } from './document-strategy';
import { RowBatchStrategy } from './row-batch-strategy';

export type AgentLogger = SubscriptionLogger;
export type AgentOutcome = SubscriptionOutcome;
export type { CommitSummary } from '../subscription/batch-strategy';

export interface ProjectionAgentOptions {
  readonly target: ProjectionTarget;
  readonly store: Pick<EventStore, 'readAll'>;
  readonly storage: BatchStorage;
  /** The agent's hold on the projection's lease (bound before it starts); every commit is fenced by it. */
  readonly hold: LeaseHold;
  readonly from: FeedCursor;
  /** A partition of a rebuild: only its streams' events, only up to the rebuild's target (see ReadAllOptions). */
  readonly partition?: ReadAllOptions['partition'];
  readonly upTo?: FeedCursor;
  readonly wake: WakeSignal;
  readonly logger: AgentLogger;
  readonly pageSize?: number;
  /** How feed pages travel (see ReadAllOptions); default rows. */
  readonly feedEncoding?: ReadAllOptions['encoding'];
  /** Pages while behind (see FeedFollowerOptions.whileBehind). */
  readonly pagesWhileBehind?: FeedFollowerOptions['whileBehind'];
  /** Events applied per transaction at most; whole pages, so at least one page. */
  readonly commitEvery?: number;
  /** Events per transaction while behind (see SubscriptionOptions.commitEveryWhileBehind). */
  readonly commitEveryWhileBehind?: number;
  /** Document projections also commit once this many documents have changed; default 20,000. */
  readonly maxDirtyDocuments?: number;
  readonly backpressure?: BackpressureLimits;
  readonly pollIntervalMs?: number;
  /** Caught up, the least time between the end of one read and the next (DaemonTuning.liveReadGapMs); default 0. */
  readonly readGapMs?: number;
  /**
   * Rebuilds stop once they have applied everything committed, and not before the feed has passed
   * this cursor (the last event committed when they began): a feed held back by another session's
   * open transaction looks caught up while events before it are still unreadable.
   */
  readonly stopWhenCaughtUp?: boolean;
  readonly stopNotBefore?: FeedCursor;
  /** Commit only full batches while behind the head (see SubscriptionOptions.fullBatchesWhileBehind). */
  readonly fullBatchesWhileBehind?: boolean;
  /** Applies at most this many events a second on average (see SubscriptionOptions.maxEventsPerSecond). */
  readonly maxEventsPerSecond?: number;
  /** Stops once the agent has applied the events up to this cursor, caught up or not. */
  readonly stopAt?: FeedCursor;
  readonly onCommitted?: (summary: CommitSummary) => void;
  /** Caught up with nothing left to commit (see SubscriptionOptions.onCaughtUp). */
  readonly onCaughtUp?: () => void;
}

/**
 * Runs one projection on the subscription engine: the feed filtered by the projection's event
 * types, and the batch strategy its kind needs (documents applied in memory and committed
 * behind the next batch; rows and custom handlers applied inside the commit).
 */
export class ProjectionAgent {
  private readonly subscription: Subscription;
  readonly done: Promise<AgentOutcome>;

  constructor(options: ProjectionAgentOptions) {
    const { target, logger } = options;
    const name = `${target.projection.name}@${target.slot}`;
    this.subscription = new Subscription({
      name,
      store: options.store,
      from: options.from,
      types: target.projection.eventTypes,
      partition: options.partition,
      upTo: options.upTo,
      wake: options.wake,
      logger,
      policy: new ErrorPolicy(target.projection, logger, name),
      strategy: (context) => strategyFor(options, context),
      pageSize: options.pageSize,
      feedEncoding: options.feedEncoding,
      pagesWhileBehind: options.pagesWhileBehind,
      commitEvery: options.commitEvery,
      commitEveryWhileBehind: options.commitEveryWhileBehind,
      backpressure: options.backpressure,
      pollIntervalMs: options.pollIntervalMs,
      readGapMs: options.readGapMs,
      until: options.stopAt ? { reached: options.stopAt } : options.stopWhenCaughtUp ? { caughtUpPast: options.stopNotBefore ?? FEED_START } : undefined,
      onCommitted: options.onCommitted,
      onCaughtUp: options.onCaughtUp,
      fullBatchesWhileBehind: options.fullBatchesWhileBehind,
      maxEventsPerSecond: options.maxEventsPerSecond,
    });
    this.done = this.subscription.done;
  }

  get cursor(): FeedCursor {
    return this.subscription.cursor;
  }

  get staged(): number {
    return this.subscription.staged;
  }

  get caughtUp(): boolean {
    return this.subscription.caughtUp;
  }

  /** Its outcome, the agent stopped (its last batch committed) if `signal` aborts first. */
  async runUntilAborted(signal?: AbortSignal): Promise<AgentOutcome> {
    const abort = () => void this.stop();
    signal?.addEventListener('abort', abort);
    try {
      return await this.done;
    } finally {
      signal?.removeEventListener('abort', abort);
    }
  }

  stop(): Promise<AgentOutcome> {
    return this.subscription.stop();
  }
}

function strategyFor(options: ProjectionAgentOptions, context: SubscriptionContext): BatchStrategy {
  const { target, storage, hold } = options;
  if (target.projection.kind === 'document') return new DocumentStrategy(context, storage, target, hold, options.maxDirtyDocuments ?? 20_000);
  return new RowBatchStrategy(context, new BatchCommitter(storage, target, hold));
}
