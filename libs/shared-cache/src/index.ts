export { RebuildBoard } from './rebuild-board';
export type { RebuildBoardOptions } from './rebuild-board';
