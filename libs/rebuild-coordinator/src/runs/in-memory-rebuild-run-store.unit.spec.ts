import { rebuildRunStoreContract } from '../testing/rebuild-run-store.contract';
import { InMemoryRebuildRunStore } from './in-memory-rebuild-run-store';

rebuildRunStoreContract('InMemoryRebuildRunStore', async () => new InMemoryRebuildRunStore());
