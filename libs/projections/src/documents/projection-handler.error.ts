import type { RecordedEvent } from '@projectionist/event-store';

/** A projection's own code threw while handling `event`; carries the event for the error report. */
export class ProjectionHandlerError extends Error {
  readonly code = 'PROJECTION_HANDLER_FAILED';
  constructor(
    readonly projection: string,
    readonly event: RecordedEvent,
    override readonly cause: unknown,
  ) {
    super(
      `Projection ${projection} failed on event ${event.type} at position ${event.position} (stream ${event.streamId} v${event.streamVersion}): ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
    );
    this.name = 'ProjectionHandlerError';
  }
}
