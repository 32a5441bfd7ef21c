import type { EventStore, RecordedEvent } from '@projectionist/event-store';
import type { ErrorPolicy, RetryPolicy } from '@projectionist/projections';

/** What a handler call may use: the store to read and append, and ids that make its writes idempotent. */
export interface ReactionContext {
  readonly store: Pick<EventStore, 'readStream' | 'append'>;
  /** The reactor's name (part of every id it derives). */
  readonly reactor: string;
  /** The id of the `index`-th event the reactor writes to `streamId` in response to `source` (see reactionEventId). */
  eventId(source: RecordedEvent | string, streamId: string, index: number): string;
}

/**
 * What a handler call achieved. `nextVersion`: the stream's version after the handler's own
 * appends to it; the runtime then drops those events when they arrive on the feed instead of
 * calling the handler again for them (Propulsion's OverrideNextIndex).
 */
export interface ReactionResult {
  readonly nextVersion?: number;
}

/**
 * A process that follows the feed and acts, e.g. appends to other streams. The replay rule
 * (docs/architecture.md): a reactor runs on its own checkpoint, never from a projection's
 * rebuild, and delivery is at least once, so `handle` must be idempotent: it decides from the
 * streams' current state and writes with ids from `context.eventId`, so that a call repeated after
 * a crash between its appends and its checkpoint writes nothing twice.
 */
export interface Reactor {
  /** Stable name: its checkpoint, lease and dead letters are kept under it. */
  readonly name: string;
  /** The stream categories it follows, e.g. `group_checkout`. */
  readonly categories: readonly string[];
  /** The event types it reacts to; others of those categories are not passed (default: all). */
  readonly eventTypes?: readonly string[];
  /**
   * One call per stream with that stream's pending events, in stream order; the runtime never has
   * two calls for one stream in flight. Throwing retries the call with backoff; past the budget
   * the events are dead-lettered (or the reactor stops, per `errorPolicy`).
   */
  handle(streamId: string, events: readonly RecordedEvent[], context: ReactionContext): Promise<ReactionResult | void>;
  /** Default dead-letter: one poison stream must not hold up every other. */
  readonly errorPolicy?: ErrorPolicy;
  readonly retry?: Partial<RetryPolicy>;
}

/** The subject the reactor's lease, checkpoint and dead letters are kept under, apart from any projection's. */
export function reactorSubject(reactor: Pick<Reactor, 'name'>): string {
  return `reactor:${reactor.name}`;
}
