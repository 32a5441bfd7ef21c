export { rebuildRunStoreContract } from './rebuild-run-store.contract';
export { InMemoryRebuildRunStore } from '../runs/in-memory-rebuild-run-store';
export type { InMemoryRebuildRunStoreOptions } from '../runs/in-memory-rebuild-run-store';
export { coordinatorWithMessages, executorWithMessages } from './with-messages';
