import { EventStoreError } from './event-store.error';

/**
 * Retryable. The transaction got its id before it locked the stream, and a younger transaction
 * has appended to the stream since: committing would place this stream's next version before
 * the previous one in the feed. A fresh transaction (with a newer id) succeeds.
 */
export class StreamOrderConflictError extends EventStoreError {
  readonly code = 'STREAM_ORDER_CONFLICT';
  constructor(readonly streamId: string) {
    super(
      `Append to "${streamId}" must be retried in a new transaction: append to streams before other writes in the same transaction to avoid this.`,
    );
    this.name = 'StreamOrderConflictError';
  }
}
