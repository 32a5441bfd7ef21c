import { compareCursors, EventStore, hasReached, FeedCursor, FeedPage, PENDING_RETRY_MS, ReadAllOptions, RecordedEvent, WakeSignal } from '@projectionist/event-store';
import { DEFAULT_RETRY, ProjectionHandlerError, RetryPolicy } from '@projectionist/projections';
import { DeadLetter } from '../storage/dead-letters';
import { CheckpointMovedError, ProjectionErrorInfo } from '../storage/checkpoint-store';
import { LeaseHold, LeaseLostError } from '../storage/lease-fence';
import { ProjectionTarget } from '../storage/projection-target';
import { BackpressureLimits, DEFAULT_BACKPRESSURE, shouldPauseFetching } from './backpressure';
import type { BatchStorage } from '../storage/batch-storage';
import { BatchCommitter } from './batch-committer';
import { DocumentBatchSession } from './document-batch-session';
import { FeedReadAhead } from './feed-read-ahead';
import { BatchHandlerError } from './write-projection-batch';
import { retryDelayMs } from './retry-delay';
import { StagedPage, StagingQueue } from './staging-queue';

export interface AgentLogger {
  log(message: unknown, context?: string): void;
  warn(message: unknown, context?: string): void;
  error(message: unknown, context?: string): void;
}

export interface ProjectionAgentOptions {
  readonly target: ProjectionTarget;
  readonly store: Pick<EventStore, 'readAll'>;
  readonly storage: BatchStorage;
  /** The agent's hold on the projection's lease (bound before it starts); every commit is fenced by it. */
  readonly hold: LeaseHold;
  readonly from: FeedCursor;
  readonly wake: WakeSignal;
  readonly logger: AgentLogger;
  readonly pageSize?: number;
  /** How feed pages travel (see ReadAllOptions); default rows. */
  readonly feedEncoding?: ReadAllOptions['encoding'];
  /** Events applied per transaction at most; whole pages, so at least one page. */
  readonly commitEvery?: number;
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
  readonly onCommitted?: (summary: CommitSummary) => void;
}

/** What a committed batch did, without holding on to its events. */
export interface CommitSummary {
  readonly count: number;
  readonly positions: readonly number[];
  readonly lastCreatedAt: Date | undefined;
  readonly cursor: FeedCursor;
  readonly caughtUp: boolean;
}

export type AgentOutcome =
  | { readonly kind: 'stopped' }
  | { readonly kind: 'caught-up' }
  | { readonly kind: 'lease-lost' }
  | { readonly kind: 'error'; readonly error: ProjectionErrorInfo };

/** Decoded events and the cursor after them: what one commit applies. */
type EventBatch = Pick<StagedPage, 'events' | 'next'>;

/** Ends the agent's loops with an outcome other than a plain stop. */
class AgentEnd extends Error {
  constructor(readonly outcome: AgentOutcome) {
    super(outcome.kind);
  }
}

/**
 * Runs one projection: a fetcher reads the feed (filtered by the projection's event types) into
 * a staging queue, reading ahead while it is behind; an applier commits batches in feed order,
 * one at a time. The fetcher pauses when too many events are staged, so memory stays bounded
 * when the projection is slow.
 */
export class ProjectionAgent {
  private readonly queue = new StagingQueue();
  private readonly applyWake = new WakeSignal();
  private readonly drained = new WakeSignal();
  /** Backoff and retry waits: one signal per loop, since a WakeSignal wakes one waiter. */
  private readonly sleeper = new WakeSignal();
  private readonly fetchSleeper = new WakeSignal();
  private stopping = false;
  private fetchDone = false;
  private fetchCaughtUp = false;
  private committedCursor: FeedCursor;
  /** Document projections: the commit running behind the applier, and the session it writes. */
  private commitInFlight: Promise<void> | undefined;
  private lastCommitted: DocumentBatchSession | undefined;
  private commitState: 'idle' | 'running' | 'failed' = 'idle';
  private readonly committer: BatchCommitter;
  readonly done: Promise<AgentOutcome>;

  constructor(private readonly options: ProjectionAgentOptions) {
    this.committedCursor = options.from;
    this.committer = new BatchCommitter(options.storage, options.target, options.hold);
    this.done = this.run();
  }

  get cursor(): FeedCursor {
    return this.committedCursor;
  }

  get staged(): number {
    return this.queue.staged;
  }

  get caughtUp(): boolean {
    return this.fetchCaughtUp && this.queue.isEmpty && this.commitState === 'idle';
  }

  async stop(): Promise<AgentOutcome> {
    this.stopping = true;
    this.wakeEveryWaiter();
    return this.done;
  }

  private get name(): string {
    return `${this.options.target.projection.name}@${this.options.target.slot}`;
  }

  private async run(): Promise<AgentOutcome> {
    await Promise.resolve();
    try {
      await Promise.all([this.fetchLoop(), this.applyLoop()]);
      return this.stopping ? { kind: 'stopped' } : { kind: 'caught-up' };
    } catch (error) {
      this.stopping = true;
      this.wakeEveryWaiter();
      if (error instanceof AgentEnd) return error.outcome;
      this.options.logger.error(error instanceof Error ? error : new Error(String(error)), this.name);
      return { kind: 'error', error: { message: (error as Error).message, at: new Date().toISOString() } };
    }
  }

  /** Every wait of both loops ends, so that they see `stopping`. */
  private wakeEveryWaiter(): void {
    for (const signal of [this.options.wake, this.applyWake, this.drained, this.sleeper, this.fetchSleeper]) signal.notify();
  }

  private async fetchLoop(): Promise<void> {
    const { target, pageSize = 500, feedEncoding, backpressure = DEFAULT_BACKPRESSURE, pollIntervalMs = 1000, readGapMs = 0 } = this.options;
    const reads = new FeedReadAhead((after) =>
      this.options.store.readAll({ after, limit: pageSize, types: target.projection.eventTypes, encoding: feedEncoding }),
    );
    let cursor = this.options.from;
    let paused = false;
    let failures = 0;
    try {
      while (!this.stopping) {
        paused = shouldPauseFetching(this.queue.staged, paused, backpressure);
        if (paused) {
          await this.drained.wait(pollIntervalMs);
          continue;
        }
        let page: FeedPage;
        try {
          page = await reads.next(cursor);
          failures = 0;
        } catch (error) {
          // The database may be restarting: keep trying, with backoff, and say so.
          reads.clear();
          failures++;
          this.options.logger.warn(`feed read failed (attempt ${failures}): ${(error as Error).message}`, this.name);
          await this.fetchSleeper.wait(retryDelayMs(failures, { ...DEFAULT_RETRY, maxDelayMs: 5_000 }));
          continue;
        }
        if (page.count > 0 || compareCursors(page.next, cursor) !== 0) {
          this.queue.push(page);
          this.applyWake.notify();
        }
        cursor = page.next;
        this.fetchCaughtUp = page.caughtUp;
        if (page.caughtUp) {
          const { stopWhenCaughtUp, stopNotBefore } = this.options;
          if (stopWhenCaughtUp && (!stopNotBefore || hasReached(page.next, stopNotBefore))) return;
          const readAt = Date.now();
          await this.options.wake.wait(page.pending ? PENDING_RETRY_MS : pollIntervalMs);
          // One read then takes what the commits of the whole gap wrote.
          const rest = readGapMs - (Date.now() - readAt);
          if (rest > 0) await this.fetchSleeper.wait(rest);
        }
      }
    } finally {
      reads.clear();
      this.fetchDone = true;
      this.applyWake.notify();
    }
  }

  private async applyLoop(): Promise<void> {
    if (this.options.target.projection.kind === 'document') return this.applyDocumentPages();
    const { commitEvery = 500, pollIntervalMs = 1000 } = this.options;
    while (!this.stopping) {
      const staged = this.queue.take(commitEvery);
      if (!staged) {
        if (this.fetchDone) return;
        await this.applyWake.wait(pollIntervalMs);
        continue;
      }
      // Decoded here, outside the commit's retries: a page that cannot be decoded ends the agent with its error.
      const batch: EventBatch = { events: staged.events, next: staged.next };
      await this.commitWithRetries(batch);
      this.drained.notify();
      this.options.onCommitted?.(summaryOf(batch.events, batch.next, this.caughtUp));
    }
  }

  /**
   * Document projections: pages fill one DocumentBatchSession until it is worth a commit. The
   * commit runs while the next session fills (one commit at a time, in order), so that this
   * process applies events while the database writes documents.
   */
  private async applyDocumentPages(): Promise<void> {
    try {
      await this.fillDocumentSessions();
      await this.commitInFlight;
    } finally {
      // Never leave a write running behind the agent: the next agent for this projection would race it.
      await this.commitInFlight?.catch(() => undefined);
    }
  }

  private async fillDocumentSessions(): Promise<void> {
    const { commitEvery = 500, pollIntervalMs = 1000, maxDirtyDocuments = 20_000 } = this.options;
    let session: DocumentBatchSession | undefined;
    while (!this.stopping) {
      if (this.commitState === 'failed') await this.commitInFlight;
      const page = this.queue.take(1);
      if (!page) {
        // Following the head, commit as soon as nothing more is staged (latency); a rebuild only
        // commits when its batch is full (fewer, larger writes) or at the end.
        const commitNow = session && (!this.options.stopWhenCaughtUp || this.fetchDone);
        if (session && commitNow) {
          await this.startCommit(session);
          session = undefined;
        } else if (this.fetchDone && !session) return;
        else await this.applyWake.wait(pollIntervalMs);
        continue;
      }
      const open = session ?? this.nextSession();
      session = open;
      const events = page.events;
      if (events.length > 0) await this.withInfraRetries('loading documents', () => open.load(events));
      for (const event of events) {
        // The common case stays synchronous: no promise per event on the hot path.
        try {
          open.apply(event);
        } catch (error) {
          if (!(error instanceof ProjectionHandlerError)) throw error;
          await this.applyWithPolicy(open, event, 2);
        }
      }
      open.endPage(page.next);
      this.drained.notify();
      const idle = this.queue.isEmpty && (!this.options.stopWhenCaughtUp || this.fetchDone);
      if (open.events >= commitEvery || open.batch.changedCount >= maxDirtyDocuments || idle) {
        await this.startCommit(open);
        session = undefined;
      }
    }
  }

  /** Continues from the last session handed to a commit, whether or not that commit has ended. */
  private nextSession(): DocumentBatchSession {
    const { storage, target, hold } = this.options;
    return this.lastCommitted ? DocumentBatchSession.after(this.lastCommitted) : new DocumentBatchSession(storage, target, hold, this.committedCursor);
  }

  /** Waits for the commit in flight (rethrowing its failure), then starts this one without waiting for it. */
  private async startCommit(session: DocumentBatchSession): Promise<void> {
    await this.commitInFlight;
    this.lastCommitted = session;
    this.commitState = 'running';
    const commit = this.commitSession(session).catch((error: unknown) => {
      this.commitState = 'failed';
      throw error;
    });
    // Observed through commitInFlight: by the next commit, by the loop, or when the agent ends.
    commit.catch(() => undefined);
    this.commitInFlight = commit;
  }

  /** Retries the event with backoff, then applies the error policy; `firstAttempt` counts tries already made. */
  private async applyWithPolicy(session: DocumentBatchSession, event: RecordedEvent, firstAttempt: number): Promise<void> {
    const retry: RetryPolicy = { ...DEFAULT_RETRY, ...this.options.target.projection.retry };
    for (let attempt = firstAttempt; ; attempt++) {
      try {
        if (attempt > 1) await this.sleeper.wait(retryDelayMs(attempt - 1, retry));
        if (this.stopping) throw new AgentEnd({ kind: 'stopped' });
        session.apply(event);
        return;
      } catch (error) {
        if (!(error instanceof ProjectionHandlerError)) throw error;
        if (attempt < retry.attempts) {
          this.options.logger.warn(`${error.message} (attempt ${attempt} of ${retry.attempts})`, this.name);
          continue;
        }
        const letters = new Map<string, DeadLetter>();
        const end = this.onExhausted(event, error, attempt, letters);
        if (!end) {
          session.deadLetters.set(event.id, letters.get(event.id) as DeadLetter);
          session.applied(event);
          return;
        }
        // Stop exactly at the failing event: what came before it is committed.
        await this.startCommit(session);
        await this.commitInFlight;
        throw end;
      }
    }
  }

  private async commitSession(session: DocumentBatchSession): Promise<void> {
    await this.withInfraRetries('commit', () => committedOnce(() => session.commit(), session.next));
    // Before onCommitted, which reads `caughtUp`.
    this.commitState = 'idle';
    this.committedCursor = session.next;
    this.options.onCommitted?.({
      count: session.events,
      positions: session.positions,
      lastCreatedAt: session.lastCreatedAt,
      cursor: session.next,
      caughtUp: this.caughtUp,
    });
  }

  /** Database errors are not the projection's fault: retry until the database is back. */
  private async withInfraRetries<T>(what: string, work: () => Promise<T>): Promise<T> {
    for (let failures = 1; ; failures++) {
      if (this.stopping) throw new AgentEnd({ kind: 'stopped' });
      try {
        return await work();
      } catch (error) {
        if (isFencedOut(error)) throw this.fencedOut(error);
        this.options.logger.warn(`${what} failed (attempt ${failures}), retrying: ${(error as Error).message}`, this.name);
        await this.sleeper.wait(retryDelayMs(failures, { ...DEFAULT_RETRY, maxDelayMs: 5_000 }));
      }
    }
  }

  /** Retries with backoff; past the budget applies the projection's error policy to the failing event. */
  private async commitWithRetries(batch: EventBatch): Promise<void> {
    const retry: RetryPolicy = { ...DEFAULT_RETRY, ...this.options.target.projection.retry };
    const skip = new Map<string, DeadLetter>();
    let handlerFailures = 0;
    let infraFailures = 0;
    for (;;) {
      if (this.stopping) throw new AgentEnd({ kind: 'stopped' });
      try {
        await this.commitFrom(this.committedCursor, batch, skip);
        return;
      } catch (error) {
        if (isFencedOut(error)) throw this.fencedOut(error);
        const handlerError = error instanceof ProjectionHandlerError || error instanceof BatchHandlerError;
        if (!handlerError) {
          infraFailures++;
          this.options.logger.warn(`commit failed (attempt ${infraFailures}), retrying: ${(error as Error).message}`, this.name);
          await this.sleeper.wait(retryDelayMs(infraFailures, { ...retry, maxDelayMs: 5_000 }));
          continue;
        }
        handlerFailures++;
        if (handlerFailures < retry.attempts) {
          this.options.logger.warn(`${(error as Error).message} (attempt ${handlerFailures} of ${retry.attempts})`, this.name);
          await this.sleeper.wait(retryDelayMs(handlerFailures, retry));
          continue;
        }
        if (error instanceof BatchHandlerError && batch.events.length > 1) return this.commitOneByOne(batch);
        const failed = error instanceof ProjectionHandlerError ? error.event : batch.events[0];
        const end = this.onExhausted(failed, error as Error, handlerFailures, skip);
        if (end) {
          await this.commitBefore(batch, failed, skip);
          throw end;
        }
        handlerFailures = 0;
      }
    }
  }

  /** Dead-letters the event (returns nothing, the batch is retried without it) or ends the agent. */
  private onExhausted(event: RecordedEvent, error: Error, attempts: number, skip: Map<string, DeadLetter>): AgentEnd | undefined {
    const policy = this.options.target.projection.errorPolicy ?? { kind: 'stop' };
    const message = error.message;
    if (policy.kind === 'dead-letter') {
      this.options.logger.error({ msg: 'event dead-lettered', position: event.position, eventId: event.id, error: message }, this.name);
      skip.set(event.id, { event, error: message, attempts });
      return undefined;
    }
    return new AgentEnd({
      kind: 'error',
      error: {
        message,
        eventPosition: event.position,
        eventId: event.id,
        eventType: event.type,
        streamId: event.streamId,
        at: new Date().toISOString(),
      },
    });
  }

  /**
   * Before stopping on an event, commits the events ahead of it, so the projection stops exactly
   * at the failing event and its checkpoint says so. Losing the lease here ends the agent as
   * anywhere else; any other failure leaves the checkpoint before the batch, which is as exact.
   */
  private async commitBefore(batch: EventBatch, failed: RecordedEvent, skip: ReadonlyMap<string, DeadLetter>): Promise<void> {
    const index = batch.events.findIndex((e) => e.id === failed.id);
    if (index <= 0) return;
    const previous = batch.events[index - 1];
    const head = { events: batch.events.slice(0, index), next: { transactionId: previous.transactionId, position: previous.position } };
    try {
      await this.commitFrom(this.committedCursor, head, skip);
      this.options.onCommitted?.(summaryOf(head.events, head.next, false));
    } catch (error) {
      if (isFencedOut(error)) throw this.fencedOut(error);
      this.options.logger.warn(`could not commit the events before the failing one: ${(error as Error).message}`, this.name);
    }
  }

  /** Commits `batch` from `from` and moves the agent's cursor; an attempt whose answer was lost but which landed counts as done. */
  private async commitFrom(from: FeedCursor, batch: EventBatch, skip: ReadonlyMap<string, DeadLetter>): Promise<void> {
    await committedOnce(() => this.committer.commit(batch.events, from, batch.next, skip), batch.next);
    this.committedCursor = batch.next;
  }

  /** Another agent holds the projection now, or its checkpoint moved under this one: stop applying at once. */
  private fencedOut(error: Error): AgentEnd {
    this.options.logger.warn(error.message, this.name);
    return new AgentEnd({ kind: 'lease-lost' });
  }

  /** Isolates the failing event of a custom projection's batch by committing events one at a time. */
  private async commitOneByOne(batch: EventBatch): Promise<void> {
    for (let i = 0; i < batch.events.length; i++) {
      const event = batch.events[i];
      const next = i === batch.events.length - 1 ? batch.next : { transactionId: event.transactionId, position: event.position };
      await this.commitWithRetries({ events: [event], next });
    }
  }
}

/** Runs a commit ending at `next`; an earlier attempt whose answer was lost but which landed (the checkpoint stands at `next`) counts as done. */
async function committedOnce(commit: () => Promise<void>, next: FeedCursor): Promise<void> {
  try {
    await commit();
  } catch (error) {
    if (!(error instanceof CheckpointMovedError && error.landedAt(next))) throw error;
  }
}

function isFencedOut(error: unknown): error is Error {
  return error instanceof LeaseLostError || error instanceof CheckpointMovedError;
}

function summaryOf(events: readonly RecordedEvent[], cursor: FeedCursor, caughtUp: boolean): CommitSummary {
  return { count: events.length, positions: events.map((e) => e.position), lastCreatedAt: events[events.length - 1]?.createdAt, cursor, caughtUp };
}
