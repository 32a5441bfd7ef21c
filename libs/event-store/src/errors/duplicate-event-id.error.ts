import { EventStoreError } from './event-store.error';

/** Some (not all) of the event ids already exist, or they exist in another stream: not a safe retry. */
export class DuplicateEventIdError extends EventStoreError {
  readonly code = 'DUPLICATE_EVENT_ID';
  constructor(readonly streamId: string) {
    super(
      `Append to "${streamId}" reuses event ids that already exist, but not as the same events of this stream. ` +
        'A retry must resend exactly the same events; new events need new ids.',
    );
    this.name = 'DuplicateEventIdError';
  }
}
