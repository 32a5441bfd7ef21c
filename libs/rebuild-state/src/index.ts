export { awaitsWorker, FINAL_PHASES, isActive, isRebuildMode, MAX_REBUILD_PARTITIONS, ONLINE_PHASES, REBUILD_MODES } from './rebuild-run';
export { partitionsAwaitingWorker } from './rebuild-partitions';
export type { PartitionCommand, PartitionTransition } from './rebuild-partitions';
export type { RebuildFailure, RebuildMode, RebuildPartition, RebuildPhase, RebuildProgressSnapshot, RebuildResume, RebuildRun, RebuildStateSnapshot, RebuildWorkerPhase } from './rebuild-run';
export { decide, evolve, handle, RebuildRejected, DEFAULT_MAX_RESUMES, DEFAULT_REBUILD_POLICY } from './rebuild-state-machine';
export type { RebuildCommand, RebuildPolicy, RebuildTransition } from './rebuild-state-machine';
