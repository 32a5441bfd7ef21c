/** The gateway's RebuildBoard (shared rebuild state with its local copy). */
export const REBUILD_BOARD = Symbol('REBUILD_BOARD');
