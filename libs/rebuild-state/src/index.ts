export { FINAL_PHASES, isActive } from './rebuild-run';
export type { RebuildFailure, RebuildMode, RebuildPhase, RebuildProgressSnapshot, RebuildRun } from './rebuild-run';
export { decide, evolve, handle, RebuildRejected, DEFAULT_REBUILD_POLICY } from './rebuild-state-machine';
export type { RebuildCommand, RebuildPolicy, RebuildTransition } from './rebuild-state-machine';
