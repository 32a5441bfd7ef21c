import { FeedCursor, RecordedEvent } from '@projectionist/event-store';
import { opsCounters } from '@projectionist/observability';
import { DEFAULT_RETRY, ErrorPolicy as PolicyKind, RetryPolicy } from '@projectionist/projections';
import { CheckpointMovedError, ProjectionErrorInfo } from '../storage/checkpoint-store';
import { DeadLetter } from '../storage/dead-letters';
import { LeaseLostError } from '../storage/lease-fence';

export interface SubscriptionLogger {
  log(message: unknown, context?: string): void;
  warn(message: unknown, context?: string): void;
  error(message: unknown, context?: string): void;
}

export type SubscriptionOutcome =
  | { readonly kind: 'stopped' }
  | { readonly kind: 'caught-up' }
  | { readonly kind: 'lease-lost' }
  | { readonly kind: 'error'; readonly error: ProjectionErrorInfo };

/** Ends a subscription's loops with an outcome other than a plain stop. */
export class SubscriptionEnd extends Error {
  constructor(readonly outcome: SubscriptionOutcome) {
    super(outcome.kind);
  }
}

/** Infrastructure retries back off to at most this. */
export const INFRA_MAX_DELAY_MS = 5_000;

/**
 * What happens to an event a handler keeps failing on: retried with backoff up to the budget,
 * then dead-lettered (the subscription goes on without it) or the subscription stops exactly
 * there. One place for every strategy, so projections and reactors fail the same way.
 */
export class ErrorPolicy {
  readonly retry: RetryPolicy;
  private readonly kind: PolicyKind;

  constructor(
    policy: { readonly errorPolicy?: PolicyKind; readonly retry?: Partial<RetryPolicy> },
    private readonly logger: SubscriptionLogger,
    private readonly name: string,
  ) {
    this.retry = { ...DEFAULT_RETRY, ...policy.retry };
    this.kind = policy.errorPolicy ?? { kind: 'stop' };
  }

  /** Another attempt is due: says so and returns true, or returns false once the budget is spent. */
  retryAgain(error: Error, attempt: number): boolean {
    if (attempt >= this.retry.attempts) return false;
    this.logger.warn(`${error.message} (attempt ${attempt} of ${this.retry.attempts})`, this.name);
    return true;
  }

  /** The budget is spent: a dead letter to write with the batch, or the end of the subscription. */
  exhausted(event: RecordedEvent, error: Error, attempts: number): { deadLetter: DeadLetter } | { end: SubscriptionEnd } {
    const message = error.message;
    if (this.kind.kind === 'dead-letter') {
      this.logger.error({ msg: 'event dead-lettered', position: event.position, eventId: event.id, error: message }, this.name);
      opsCounters.deadLetters.inc({ projection: projectionOf(this.name) });
      return { deadLetter: { event, error: message, attempts } };
    }
    const at = new Date().toISOString();
    return {
      end: new SubscriptionEnd({
        kind: 'error',
        error: { message, eventPosition: event.position, eventId: event.id, eventType: event.type, streamId: event.streamId, at },
      }),
    };
  }

  /** Another holder owns the subscription now, or its checkpoint moved under this one: stop at once. */
  fencedOut(error: Error): SubscriptionEnd {
    this.logger.warn(error.message, this.name);
    return new SubscriptionEnd({ kind: 'lease-lost' });
  }
}

/** A subscription is named `<projection>@<slot>`; metrics count by projection. */
function projectionOf(subscriptionName: string): string {
  return subscriptionName.split('@')[0];
}

/** One more attempt after a failure: of the handler, or of the storage (a feed read, a commit). */
export function countRetry(subscriptionName: string, kind: 'handler' | 'storage'): void {
  opsCounters.retries.inc({ projection: projectionOf(subscriptionName), kind });
}

export function isFencedOut(error: unknown): error is Error {
  return error instanceof LeaseLostError || error instanceof CheckpointMovedError;
}

/** Runs a commit ending at `next`; an earlier attempt whose answer was lost but which landed (the checkpoint stands at `next`) counts as done. */
export async function committedOnce(commit: () => Promise<void>, next: FeedCursor): Promise<void> {
  try {
    await commit();
  } catch (error) {
    if (!(error instanceof CheckpointMovedError && error.landedAt(next))) throw error;
  }
}
