export type ProjectionRegistrationErrorCode = 'PROJECTION_NAME_TOO_LONG' | 'PROJECTION_TABLES_SHARED';

/**
 * A projection, or a set registered together, cannot be given tables of its own. A RangeError,
 * like the other invalid names, so that callers that catch those catch this one too.
 */
export class ProjectionRegistrationError extends RangeError {
  constructor(
    readonly code: ProjectionRegistrationErrorCode,
    /** The projections at fault, by name. */
    readonly projections: readonly string[],
    message: string,
  ) {
    super(message);
    this.name = 'ProjectionRegistrationError';
  }
}
