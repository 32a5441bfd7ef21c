export type EventStoreErrorCode =
  | 'STREAM_VERSION_CONFLICT'
  | 'EVENT_VALIDATION_FAILED'
  | 'DUPLICATE_EVENT_ID'
  | 'EVENT_CONTENT_CONFLICT'
  | 'STREAM_ORDER_CONFLICT';

/** Base of every error the event store throws on purpose; `code` is stable, the message may change. */
export abstract class EventStoreError extends Error {
  abstract readonly code: EventStoreErrorCode;
}
