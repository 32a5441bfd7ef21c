import { FeedCursor } from '@projectionist/event-store';
import { ErrorPolicy, SubscriptionLogger } from './error-policy';
import { StagedPage } from './staging-queue';

/** What a committed batch did, without holding on to its events. */
export interface CommitSummary {
  readonly count: number;
  readonly positions: readonly number[];
  readonly lastCreatedAt: Date | undefined;
  readonly cursor: FeedCursor;
  readonly caughtUp: boolean;
}

/** What the subscription gives the strategy that does its batches. */
export interface SubscriptionContext {
  readonly name: string;
  readonly logger: SubscriptionLogger;
  readonly policy: ErrorPolicy;
  /** Where the subscription started: the checkpoint the first commit moves from. */
  readonly from: FeedCursor;
  /** True once the subscription is told to stop or is ending: strategies stop retrying. */
  readonly stopping: boolean;
  /** A backoff wait that ends early when the subscription stops. */
  sleep(ms: number): Promise<void>;
  /**
   * Database errors are not the handler's fault: runs `work` until it succeeds, retrying with
   * backoff; ends the subscription when it stops or is fenced out (lease lost, checkpoint moved).
   */
  withInfraRetries<T>(what: string, work: () => Promise<T>): Promise<T>;
  /** A commit landed; `caughtUp: false` when it is known not to be (a commit before a failure). */
  committed(summary: Omit<CommitSummary, 'caughtUp'>, options?: { readonly caughtUp: false }): void;
}

/**
 * What a batch does: apply documents, insert rows, call a custom handler, run a reactor's
 * calls. The subscription hands it pages in feed order and says when to commit; the strategy
 * applies them, commits them with the checkpoint behind the lease fence, and applies the error
 * policy to the events its handler fails on (ending the subscription by throwing SubscriptionEnd).
 */
export interface BatchStrategy {
  /** The end of the last commit that landed: where the checkpoint stands. */
  readonly cursor: FeedCursor;
  /** Events taken in and not yet handed to a commit. */
  readonly pending: number;
  /** Pages taken in since the last commit was handed over (they may hold no events and still move the cursor). */
  readonly open: boolean;
  /** Worth committing now whatever the event count (e.g. many changed documents). */
  readonly full: boolean;
  /** A commit is running (or has failed and not been observed yet). */
  readonly committing: boolean;
  /** Takes in one page, in feed order. */
  add(page: StagedPage): Promise<void>;
  /** Hands what is pending to a commit; a strategy may let it run while the next pages arrive. */
  flush(): Promise<void>;
  /** Waits for every commit handed over, rethrowing a failure. */
  settle(): Promise<void>;
  /** Rethrows the failure of a commit running behind the caller, if there is one. */
  checkFailed(): Promise<void>;
}
