import { FeedCursor } from '@projectionist/event-store';
import { CheckpointKey, CheckpointMovedError, CheckpointStore, DeadLetterTable, inFencedTransaction, LeaseFence, LeaseHold } from '@projectionist/projection-daemon';
import { Pool, PoolClient } from 'pg';
import { Reactor, reactorSubject } from '../model/reactor';
import { ParkedEvent, ReactorCheckpoint } from '../runtime/reactor-strategy';

/**
 * The daemon's bookkeeping tables, used for reactors under their own subject (`reactor:<name>`)
 * and checkpoint slot (`reactor`): the same fence and exactly-once checkpoint moves, and nothing
 * a projection's rebuild resets, moves or replays.
 */
export class ReactorStorage {
  readonly checkpoints: CheckpointStore;
  readonly fence: LeaseFence;
  readonly deadLetters: DeadLetterTable;

  constructor(
    readonly pool: Pool,
    namespace: string,
  ) {
    this.checkpoints = new CheckpointStore(pool, namespace);
    this.fence = new LeaseFence(pool, namespace);
    this.deadLetters = new DeadLetterTable(namespace);
  }

  static key(reactor: Pick<Reactor, 'name'>): CheckpointKey {
    return { projection: reactorSubject(reactor), version: 1, slot: 'reactor' };
  }

  /** One transaction that holds the reactor's lease (FOR SHARE), or with `bind` makes `hold` its current holder. */
  fenced<T>(hold: LeaseHold, work: (client: PoolClient) => Promise<T>, { bind = false } = {}): Promise<T> {
    return inFencedTransaction(this, hold, work, { bind });
  }

  /** The checkpoint a reactor's agent commits through, fenced by its hold. */
  checkpointFor(reactor: Pick<Reactor, 'name'>, hold: LeaseHold): ReactorCheckpoint {
    const key = ReactorStorage.key(reactor);
    return {
      commit: (from: FeedCursor, next: FeedCursor, lastPosition: number, parked: readonly ParkedEvent[]) =>
        this.fenced(hold, async (client) => {
          try {
            await this.checkpoints.saveIn(client, key, from, next, lastPosition);
          } catch (error) {
            // An earlier attempt whose answer was lost but which landed, dead letters and all: done, not a takeover.
            if (error instanceof CheckpointMovedError && error.landedAt(next)) return;
            throw error;
          }
          if (parked.length > 0) await this.deadLetters.addIn(client, key.projection, key.version, parked);
        }),
    };
  }
}
