import { EventStore, FeedCursor, RecordedEvent, WakeSignal } from '@projectionist/event-store';
import { BackpressureLimits, CommitSummary, ErrorPolicy, Subscription, SubscriptionLogger, SubscriptionOutcome } from '@projectionist/projection-daemon';
import { reactionEventId } from '../model/reaction-event-id';
import { Reactor } from '../model/reactor';
import { ReactorCheckpoint, ReactorStrategy } from './reactor-strategy';
import { StreamSkips } from './stream-skips';

/** Streams handled at once by default: enough to overlap their round trips, few enough to spare the pool. */
export const DEFAULT_REACTOR_CONCURRENCY = 8;

export interface ReactorAgentOptions {
  readonly reactor: Reactor;
  readonly store: Pick<EventStore, 'readAll' | 'readStream' | 'append'>;
  readonly checkpoint: ReactorCheckpoint;
  readonly from: FeedCursor;
  readonly wake: WakeSignal;
  readonly logger: SubscriptionLogger;
  /** Handler calls in flight at once, each for a different stream. */
  readonly concurrency?: number;
  readonly pageSize?: number;
  readonly commitEvery?: number;
  readonly backpressure?: BackpressureLimits;
  readonly pollIntervalMs?: number;
  /** Ends once caught up past this cursor (tests and benchmarks); runs until stopped without it. */
  readonly until?: FeedCursor;
  readonly onCommitted?: (summary: CommitSummary) => void;
  /** The versions of the reactor's own writes to skip; shared by successive agents of one runner. */
  readonly skips?: StreamSkips;
  /** Every handler call, before it runs (metrics, tests). */
  readonly onCall?: (streamId: string, events: readonly RecordedEvent[]) => void;
}

/** Runs one reactor on the subscription engine, over the feed of its categories, from its own checkpoint. */
export class ReactorAgent {
  private readonly subscription: Subscription;
  readonly done: Promise<SubscriptionOutcome>;

  constructor(options: ReactorAgentOptions) {
    const { reactor, logger, store } = options;
    const name = `reactor ${reactor.name}`;
    const policy = new ErrorPolicy({ errorPolicy: reactor.errorPolicy ?? { kind: 'dead-letter' }, retry: reactor.retry }, logger, name);
    const reaction = {
      store,
      reactor: reactor.name,
      eventId: (source: RecordedEvent | string, streamId: string, index: number) => reactionEventId(reactor.name, typeof source === 'string' ? source : source.id, streamId, index),
    };
    const skips = options.skips ?? new StreamSkips();
    this.subscription = new Subscription({
      name,
      store,
      from: options.from,
      types: reactor.eventTypes,
      categories: reactor.categories,
      wake: options.wake,
      logger,
      policy,
      strategy: (context) => new ReactorStrategy(context, reactor, reaction, options.checkpoint, skips, options.concurrency ?? DEFAULT_REACTOR_CONCURRENCY, options.onCall),
      pageSize: options.pageSize,
      commitEvery: options.commitEvery,
      backpressure: options.backpressure,
      pollIntervalMs: options.pollIntervalMs,
      until: options.until ? { caughtUpPast: options.until } : undefined,
      onCommitted: options.onCommitted,
    });
    this.done = this.subscription.done;
  }

  get cursor(): FeedCursor {
    return this.subscription.cursor;
  }

  get caughtUp(): boolean {
    return this.subscription.caughtUp;
  }

  stop(): Promise<SubscriptionOutcome> {
    return this.subscription.stop();
  }
}
