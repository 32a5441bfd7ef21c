import { ExpectedVersion } from '../model/recorded-event';
import { EventStoreError } from './event-store.error';

export class StreamVersionConflictError extends EventStoreError {
  readonly code = 'STREAM_VERSION_CONFLICT';
  constructor(
    readonly streamId: string,
    readonly expectedVersion: ExpectedVersion,
    readonly actualVersion: number,
  ) {
    super(
      `Stream "${streamId}" is at version ${actualVersion}, but the append expected ${JSON.stringify(expectedVersion)}. ` +
        'Read the stream again, decide again, and append with the new version.',
    );
    this.name = 'StreamVersionConflictError';
  }
}
