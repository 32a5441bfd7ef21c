import { FeedCursor, RecordedEvent } from '@projectionist/event-store';
import { ProjectionHandlerError } from '@projectionist/projections';
import { DeadLetter } from '../storage/dead-letters';
import { BatchStrategy, SubscriptionContext } from '../subscription/batch-strategy';
import { committedOnce, countRetry, INFRA_MAX_DELAY_MS, isFencedOut, SubscriptionEnd } from '../subscription/error-policy';
import { retryDelayMs } from '../subscription/retry-delay';
import { StagedPage } from '../subscription/staging-queue';
import { BatchCommitter } from './batch-committer';
import { BatchHandlerError } from './write-projection-batch';

/** Decoded events and the cursor after them: what one commit applies. */
interface EventBatch {
  readonly events: readonly RecordedEvent[];
  readonly next: FeedCursor;
}

/**
 * Flat-table and custom projections: the handler runs inside the commit (rows are computed
 * and inserted, or the custom handler writes), so a handler failure is a failed commit. It is
 * retried with backoff; past the budget the failing event is dead-lettered or the projection
 * stops exactly at it. A custom handler's failure names no event: the batch is then committed
 * one event at a time to find it.
 */
export class RowBatchStrategy implements BatchStrategy {
  private events: RecordedEvent[] = [];
  private next: FeedCursor;
  private pages = 0;
  private committedCursor: FeedCursor;
  private inCommit = false;
  readonly full = false;

  constructor(
    private readonly context: SubscriptionContext,
    private readonly committer: BatchCommitter,
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

  async add(page: StagedPage): Promise<void> {
    // Decoded here, outside the commit's retries: a page that cannot be decoded ends the subscription with its error.
    for (const event of page.events) this.events.push(event);
    this.next = page.next;
    this.pages++;
  }

  async flush(): Promise<void> {
    const batch: EventBatch = { events: this.events, next: this.next };
    this.events = [];
    this.pages = 0;
    this.inCommit = true;
    try {
      await this.commitWithRetries(batch);
    } finally {
      this.inCommit = false;
    }
  }

  async settle(): Promise<void> {}

  async checkFailed(): Promise<void> {}

  /** Retries with backoff; past the budget applies the projection's error policy to the failing event. */
  private async commitWithRetries(batch: EventBatch): Promise<void> {
    const { policy, logger, name } = this.context;
    const skip = new Map<string, DeadLetter>();
    let handlerFailures = 0;
    let infraFailures = 0;
    for (;;) {
      if (this.context.stopping) throw new SubscriptionEnd({ kind: 'stopped' });
      try {
        await this.commitFrom(batch, skip);
        return;
      } catch (error) {
        if (isFencedOut(error)) throw policy.fencedOut(error);
        if (!(error instanceof ProjectionHandlerError || error instanceof BatchHandlerError)) {
          infraFailures++;
          countRetry(name, 'storage');
          logger.warn(`commit failed (attempt ${infraFailures}), retrying: ${(error as Error).message}`, name);
          await this.context.sleep(retryDelayMs(infraFailures, { ...policy.retry, maxDelayMs: INFRA_MAX_DELAY_MS }));
          continue;
        }
        handlerFailures++;
        if (policy.retryAgain(error, handlerFailures)) {
          countRetry(name, 'handler');
          await this.context.sleep(retryDelayMs(handlerFailures, policy.retry));
          continue;
        }
        if (error instanceof BatchHandlerError && batch.events.length > 1) return this.commitOneByOne(batch);
        const failed = error instanceof ProjectionHandlerError ? error.event : batch.events[0];
        const verdict = policy.exhausted(failed, error, handlerFailures);
        if ('end' in verdict) {
          await this.commitBefore(batch, failed, skip);
          throw verdict.end;
        }
        skip.set(failed.id, verdict.deadLetter);
        handlerFailures = 0;
      }
    }
  }

  /**
   * Before stopping on an event, commits the events ahead of it, so the projection stops exactly
   * at the failing event and its checkpoint says so. Losing the lease here ends the subscription
   * as anywhere else; any other failure leaves the checkpoint before the batch, which is as exact.
   */
  private async commitBefore(batch: EventBatch, failed: RecordedEvent, skip: ReadonlyMap<string, DeadLetter>): Promise<void> {
    const index = batch.events.findIndex((e) => e.id === failed.id);
    if (index <= 0) return;
    const previous = batch.events[index - 1];
    const head = { events: batch.events.slice(0, index), next: { transactionId: previous.transactionId, position: previous.position } };
    try {
      await this.commitFrom(head, skip, { caughtUp: false });
    } catch (error) {
      if (isFencedOut(error)) throw this.context.policy.fencedOut(error);
      this.context.logger.warn(`could not commit the events before the failing one: ${(error as Error).message}`, this.context.name);
    }
  }

  /** Isolates the failing event of a custom projection's batch by committing events one at a time. */
  private async commitOneByOne(batch: EventBatch): Promise<void> {
    for (let i = 0; i < batch.events.length; i++) {
      const event = batch.events[i];
      const next = i === batch.events.length - 1 ? batch.next : { transactionId: event.transactionId, position: event.position };
      await this.commitWithRetries({ events: [event], next });
    }
  }

  /** Commits `batch` from the checkpoint and moves it; an attempt whose answer was lost but which landed counts as done. */
  private async commitFrom(batch: EventBatch, skip: ReadonlyMap<string, DeadLetter>, options?: { caughtUp: false }): Promise<void> {
    await committedOnce(() => this.committer.commit(batch.events, this.committedCursor, batch.next, skip), batch.next);
    this.committedCursor = batch.next;
    const events = batch.events;
    // `committing` ends before the report, which says whether the subscription is caught up.
    this.inCommit = false;
    this.context.committed(
      { count: events.length, positions: events.map((e) => e.position), lastCreatedAt: events[events.length - 1]?.createdAt, cursor: batch.next },
      options,
    );
  }
}
