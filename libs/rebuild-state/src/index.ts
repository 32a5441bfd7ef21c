export { awaitsWorker, FINAL_PHASES, isActive, isRebuildMode, REBUILD_MODES } from './rebuild-run';
export type { RebuildFailure, RebuildMode, RebuildPhase, RebuildProgressSnapshot, RebuildRun, RebuildStateSnapshot, RebuildWorkerPhase } from './rebuild-run';
export { decide, evolve, handle, RebuildRejected, DEFAULT_REBUILD_POLICY } from './rebuild-state-machine';
export type { RebuildCommand, RebuildPolicy, RebuildTransition } from './rebuild-state-machine';
