import { Pool } from 'pg';
import { CheckpointStore } from './checkpoint-store';
import { DeadLetterTable } from './dead-letters';
import { LeaseFence } from './lease-fence';

/** The daemon's tables an agent writes through, and the pool it writes with. */
export interface BatchStorage {
  readonly pool: Pool;
  readonly checkpoints: CheckpointStore;
  readonly fence: LeaseFence;
  readonly deadLetters: DeadLetterTable;
}
