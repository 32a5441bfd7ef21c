import { compareCursors, EventStore, FEED_START, FeedCursor, RecordedEvent, WakeSignal } from '@projectionist/event-store';
import { SubscriptionLogger } from '@projectionist/projection-daemon';
import { Reactor } from '../model/reactor';
import { ReactorAgent } from '../runtime/reactor-agent';
import { ParkedEvent, ReactorCheckpoint } from '../runtime/reactor-strategy';
import { StreamSkips } from '../runtime/stream-skips';

/** A reactor checkpoint in memory that, like the fenced one, moves only from where a batch starts. */
export class InMemoryReactorCheckpoint implements ReactorCheckpoint {
  cursor: FeedCursor = FEED_START;
  readonly parked: ParkedEvent[] = [];

  async commit(from: FeedCursor, next: FeedCursor, _lastPosition: number, parked: readonly ParkedEvent[]): Promise<void> {
    if (compareCursors(from, this.cursor) !== 0) throw new Error(`checkpoint moved: at ${this.cursor.position}, batch from ${from.position}`);
    this.cursor = next;
    this.parked.push(...parked);
  }
}

const quiet: SubscriptionLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

export interface ReactorHarnessOptions {
  readonly concurrency?: number;
  readonly pageSize?: number;
  readonly logger?: SubscriptionLogger;
}

/**
 * Runs a reactor on the real runtime over any event store (the in-memory one in unit tests) with
 * deterministic waits: `runUntilIdle` returns once the reactor has handled everything in the
 * store, its own writes included, so a test appends, runs, and asserts, without polling.
 */
export class ReactorHarness {
  readonly checkpoint = new InMemoryReactorCheckpoint();
  readonly calls: { streamId: string; events: readonly RecordedEvent[] }[] = [];
  private readonly skips = new StreamSkips();

  constructor(
    private readonly store: Pick<EventStore, 'readAll' | 'readStream' | 'append' | 'readHead'>,
    private readonly reactor: Reactor,
    private readonly options: ReactorHarnessOptions = {},
  ) {}

  async runUntilIdle(maxRounds = 100): Promise<void> {
    for (let round = 0; round < maxRounds; round++) {
      const head = await this.store.readHead();
      if (compareCursors(this.checkpoint.cursor, head.lastCursor) >= 0) return;
      const agent = new ReactorAgent({
        reactor: this.reactor,
        store: this.store,
        checkpoint: this.checkpoint,
        from: this.checkpoint.cursor,
        wake: new WakeSignal(),
        logger: this.options.logger ?? quiet,
        concurrency: this.options.concurrency,
        pageSize: this.options.pageSize,
        pollIntervalMs: 10,
        until: head.lastCursor,
        skips: this.skips,
        onCall: (streamId, events) => this.calls.push({ streamId, events }),
      });
      const outcome = await agent.done;
      if (outcome.kind === 'error') throw new Error(`reactor ${this.reactor.name} stopped: ${outcome.error.message}`);
    }
    throw new Error(`reactor ${this.reactor.name} still had work after ${maxRounds} rounds`);
  }
}
