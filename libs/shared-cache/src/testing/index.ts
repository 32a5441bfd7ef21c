export { rebuildBoardContract, rebuildRun } from './rebuild-board.contract';
export type { RebuildBoardTestBed } from './rebuild-board.contract';
export { InMemoryRebuildBoard, InMemoryBoardServer } from '../in-memory/in-memory-rebuild-board';
export type { InMemoryRebuildBoardOptions } from '../in-memory/in-memory-rebuild-board';
