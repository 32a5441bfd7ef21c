/** The shared rebuild state could not be published; nodes answer from PostgreSQL meanwhile, so callers log it and go on. */
export class RebuildBoardUnavailableError extends Error {
  readonly code = 'REBUILD_BOARD_UNAVAILABLE';
  constructor(detail: string, options?: { cause?: unknown }) {
    super(`The shared rebuild state is not available (${detail}); the gateways answer from PostgreSQL until Redis is back.`, options);
    this.name = 'RebuildBoardUnavailableError';
  }
}
