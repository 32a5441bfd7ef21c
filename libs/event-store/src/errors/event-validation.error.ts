import { EventStoreError } from './event-store.error';

export interface ValidationIssue {
  /** Where the problem is, e.g. `streamId`, `events[2].data.additions`. */
  readonly path: string;
  readonly message: string;
}

export class EventValidationError extends EventStoreError {
  readonly code = 'EVENT_VALIDATION_FAILED';
  constructor(readonly issues: readonly ValidationIssue[]) {
    super(`Invalid append, nothing was written: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.name = 'EventValidationError';
  }
}
