import { EventStoreError } from './event-store.error';

/**
 * The event ids are recorded in this stream, but with other content (type, data or metadata):
 * not a retry of the same append, so nothing is written and the recorded events stay as they are.
 */
export class EventContentConflictError extends EventStoreError {
  readonly code = 'EVENT_CONTENT_CONFLICT';
  constructor(readonly streamId: string) {
    super(
      `Append to "${streamId}" reuses event ids recorded in this stream with another type, data or metadata; nothing was written. ` +
        'A retry must resend exactly the same events; new events need new ids.',
    );
    this.name = 'EventContentConflictError';
  }
}
