export { REBUILD_BOARD } from './rebuild-board.port';
export type { BoardStatus, RebuildBoardFallback, RebuildBoardPort } from './rebuild-board.port';
export { RebuildBoard } from './rebuild-board';
export type { RebuildBoardOptions } from './rebuild-board';
export { RebuildBoardUnavailableError } from './rebuild-board-unavailable.error';
export { sharedStateHealthCheck } from './shared-state-health-check';
