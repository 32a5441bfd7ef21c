import { FeedCursor, RecordedEvent } from '@projectionist/event-store';
import { BatchStrategy, SubscriptionContext, SubscriptionEnd, retryDelayMs } from '@projectionist/projection-daemon';
import { Reactor, ReactionContext } from '../model/reactor';
import { forEachBounded, groupByStream, StreamSkips } from './stream-skips';
import { isTransientError } from './transient-error';

/** Transient failures back off to at most this, however long they last. */
const TRANSIENT_MAX_DELAY_MS = 5_000;

/** An event the reactor gave up on, kept with the error for an operator. */
export interface ParkedEvent {
  readonly event: RecordedEvent;
  readonly error: string;
  readonly attempts: number;
}

/** Where a reactor's checkpoint and dead letters are stored (PostgreSQL behind the lease fence, or memory in tests). */
export interface ReactorCheckpoint {
  /** Moves the checkpoint from `from` to `next` with the batch's dead letters, at once; fenced out when another holder took over. */
  commit(from: FeedCursor, next: FeedCursor, lastPosition: number, parked: readonly ParkedEvent[]): Promise<void>;
}

/**
 * A reactor's batches on the subscription engine. A batch's events are grouped by stream and each
 * stream's are handed to ONE handler call; calls for different streams run side by side, at most
 * `concurrency` at once; the checkpoint moves once every call of the batch has ended, so the next
 * batch's call for a stream never overlaps this one's. A failing call is retried with backoff;
 * past the budget its events are parked as dead letters with the error, or the reactor stops.
 */
export class ReactorStrategy implements BatchStrategy {
  private events: RecordedEvent[] = [];
  /** Highest position of the events taken in since the last commit, skipped ones included. */
  private lastPosition = 0;
  private next: FeedCursor;
  private pages = 0;
  private committedCursor: FeedCursor;
  private inCommit = false;
  readonly full = false;

  constructor(
    private readonly context: SubscriptionContext,
    private readonly reactor: Reactor,
    private readonly reaction: ReactionContext,
    private readonly checkpoint: ReactorCheckpoint,
    private readonly skips: StreamSkips,
    private readonly concurrency: number,
    private readonly onCall?: (streamId: string, events: readonly RecordedEvent[]) => void,
  ) {
    this.committedCursor = context.from;
    this.next = context.from;
  }

  get cursor(): FeedCursor {
    return this.committedCursor;
  }

  get pending(): number {
    return this.events.length;
  }

  get open(): boolean {
    return this.pages > 0;
  }

  get committing(): boolean {
    return this.inCommit;
  }

  async add(page: { readonly events: readonly RecordedEvent[]; readonly next: FeedCursor }): Promise<void> {
    for (const event of page.events) {
      if (event.position > this.lastPosition) this.lastPosition = event.position;
      if (!this.skips.covers(event)) this.events.push(event);
    }
    this.next = page.next;
    this.pages++;
  }

  async flush(): Promise<void> {
    const events = this.events;
    const next = this.next;
    const lastPosition = this.lastPosition;
    this.events = [];
    this.pages = 0;
    this.inCommit = true;
    try {
      const parked: ParkedEvent[] = [];
      const streams = [...groupByStream(events)];
      await forEachBounded(streams, this.concurrency, async ([streamId, pending]) => {
        const gaveUp = await this.callWithRetries(streamId, pending);
        if (gaveUp) parked.push(...gaveUp);
      });
      const from = this.committedCursor;
      await this.context.withInfraRetries('reactor checkpoint', () => this.checkpoint.commit(from, next, lastPosition, parked));
      this.committedCursor = next;
      this.inCommit = false;
      // `positions`: the highest one passed, so that progress counts the skipped writes as done too.
      this.context.committed({ count: events.length, positions: lastPosition > 0 ? [lastPosition] : [], lastCreatedAt: events[events.length - 1]?.createdAt, cursor: next });
    } finally {
      this.inCommit = false;
    }
  }

  async settle(): Promise<void> {}

  async checkFailed(): Promise<void> {}

  /** Calls the handler until it succeeds; past the budget returns the events to park, or ends the subscription. */
  private async callWithRetries(streamId: string, events: RecordedEvent[]): Promise<ParkedEvent[] | undefined> {
    const { policy, logger, name } = this.context;
    let transient = 0;
    for (let attempt = 1; ; attempt++) {
      if (this.context.stopping) throw new SubscriptionEnd({ kind: 'stopped' });
      try {
        this.onCall?.(streamId, events);
        const result = await this.reactor.handle(streamId, events, this.reaction);
        if (result?.nextVersion !== undefined) this.skips.skipUpTo(streamId, result.nextVersion);
        return undefined;
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        if (isTransientError(failure)) {
          // Not the events' fault: retried until the database answers, without spending the budget.
          attempt--;
          logger.warn(`call for ${streamId} failed on the database (attempt ${++transient}), retrying: ${failure.message}`, name);
          await this.context.sleep(retryDelayMs(transient, { ...policy.retry, maxDelayMs: TRANSIENT_MAX_DELAY_MS }));
          continue;
        }
        if (policy.retryAgain(failure, attempt)) {
          await this.context.sleep(retryDelayMs(attempt, policy.retry));
          continue;
        }
        const verdict = policy.exhausted(events[0], failure, attempt);
        if ('end' in verdict) throw verdict.end;
        return events.map((event) => ({ event, error: failure.message, attempts: attempt }));
      }
    }
  }
}
