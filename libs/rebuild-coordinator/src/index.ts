export { CreateRebuildRuns1732000000002, REBUILD_COORDINATOR_MIGRATIONS } from './migrations';
export type { RebuildRunStorePort } from './runs/rebuild-run-store.port';
export { RebuildRunStore } from './runs/rebuild-run-store';
export { RebuildCoordinator } from './coordinator/rebuild-coordinator';
export type { CoordinatorLogger, ElectionLock, RebuildCoordinatorOptions } from './coordinator/rebuild-coordinator';
export { RebuildExecutor } from './worker/rebuild-executor';
export type { RebuildExecutorOptions } from './worker/rebuild-executor';
export { CoordinatorModule, CoordinatorHost } from './nest/coordinator.module';
export { RebuildExecutorModule } from './nest/rebuild-executor.module';
