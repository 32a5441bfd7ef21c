import { FeedCursor, RecordedEvent } from '@projectionist/event-store';
import { ProjectionHandlerError } from '@projectionist/projections';
import type { BatchStorage } from '../storage/batch-storage';
import { LeaseHold } from '../storage/lease-fence';
import { ProjectionTarget } from '../storage/projection-target';
import { BatchStrategy, SubscriptionContext } from '../subscription/batch-strategy';
import { committedOnce, countRetry, SubscriptionEnd } from '../subscription/error-policy';
import { retryDelayMs } from '../subscription/retry-delay';
import { StagedPage } from '../subscription/staging-queue';
import { DocumentBatchSession } from './document-batch-session';

/**
 * Document projections: pages fill one DocumentBatchSession (events applied in memory, each
 * page loading only the documents the session does not hold yet) until it is worth a commit.
 * The commit runs while the next session fills (one commit at a time, in order), so that this
 * process applies events while the database writes documents. A handler failure is known at
 * once, per event: it is retried, then dead-lettered or the projection stops exactly there.
 */
export class DocumentStrategy implements BatchStrategy {
  private session: DocumentBatchSession | undefined;
  /** The last session handed to a commit: the next one continues from it, landed or not. */
  private lastCommitted: DocumentBatchSession | undefined;
  private commitInFlight: Promise<void> | undefined;
  private state: 'idle' | 'running' | 'failed' = 'idle';
  private committedCursor: FeedCursor;

  constructor(
    private readonly context: SubscriptionContext,
    private readonly storage: BatchStorage,
    private readonly target: ProjectionTarget,
    private readonly hold: LeaseHold,
    /** Also commit once this many documents have changed (memory). */
    private readonly maxDirtyDocuments: number,
  ) {
    this.committedCursor = context.from;
  }

  get cursor(): FeedCursor {
    return this.committedCursor;
  }

  get pending(): number {
    return this.session?.events ?? 0;
  }

  get open(): boolean {
    return this.session !== undefined;
  }

  get full(): boolean {
    return (this.session?.batch.changedCount ?? 0) >= this.maxDirtyDocuments;
  }

  get committing(): boolean {
    return this.state !== 'idle';
  }

  async add(page: StagedPage): Promise<void> {
    const session = this.session ?? this.nextSession();
    this.session = session;
    const events = page.events;
    if (events.length > 0) await this.context.withInfraRetries('loading documents', () => session.load(events));
    for (const event of events) {
      // The common case stays synchronous: no promise per event on the hot path.
      try {
        session.apply(event);
      } catch (error) {
        if (!(error instanceof ProjectionHandlerError)) throw error;
        await this.applyWithPolicy(session, event, 2);
      }
    }
    session.endPage(page.next);
  }

  async flush(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (session) await this.startCommit(session);
  }

  async settle(): Promise<void> {
    await this.commitInFlight;
  }

  async checkFailed(): Promise<void> {
    if (this.state === 'failed') await this.commitInFlight;
  }

  /** Continues from the last session handed to a commit, whether or not that commit has ended. */
  private nextSession(): DocumentBatchSession {
    const previous = this.lastCommitted;
    return previous ? DocumentBatchSession.after(previous) : new DocumentBatchSession(this.storage, this.target, this.hold, this.committedCursor);
  }

  /** Waits for the commit in flight (rethrowing its failure), then starts this one without waiting for it. */
  private async startCommit(session: DocumentBatchSession): Promise<void> {
    await this.commitInFlight;
    this.lastCommitted = session;
    this.state = 'running';
    const commit = this.commit(session).catch((error: unknown) => {
      this.state = 'failed';
      throw error;
    });
    // Observed through commitInFlight: by the next commit, by checkFailed, or by settle.
    commit.catch(() => undefined);
    this.commitInFlight = commit;
  }

  private async commit(session: DocumentBatchSession): Promise<void> {
    await this.context.withInfraRetries('commit', () => committedOnce(() => session.commit(), session.next));
    // Before the report, which says whether the subscription is caught up.
    this.state = 'idle';
    this.committedCursor = session.next;
    this.context.committed({ count: session.events, positions: session.positions, lastCreatedAt: session.lastCreatedAt, cursor: session.next });
  }

  /** Retries the event with backoff, then applies the error policy; `firstAttempt` counts tries already made. */
  private async applyWithPolicy(session: DocumentBatchSession, event: RecordedEvent, firstAttempt: number): Promise<void> {
    const { policy } = this.context;
    for (let attempt = firstAttempt; ; attempt++) {
      try {
        if (attempt > 1) {
          countRetry(this.context.name, 'handler');
          await this.context.sleep(retryDelayMs(attempt - 1, policy.retry));
        }
        if (this.context.stopping) throw new SubscriptionEnd({ kind: 'stopped' });
        session.apply(event);
        return;
      } catch (error) {
        if (!(error instanceof ProjectionHandlerError)) throw error;
        if (policy.retryAgain(error, attempt)) continue;
        const verdict = policy.exhausted(event, error, attempt);
        if ('deadLetter' in verdict) {
          session.deadLetters.set(event.id, verdict.deadLetter);
          session.applied(event);
          return;
        }
        // Stop exactly at the failing event: what came before it is committed.
        this.session = undefined;
        await this.startCommit(session);
        await this.commitInFlight;
        throw verdict.end;
      }
    }
  }
}
