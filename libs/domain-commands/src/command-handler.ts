import { EventMetadata, EventStore, StreamVersionConflictError } from '@projectionist/event-store';
import { Decider } from './deciders/decider';
import { DomainRejection } from './deciders/domain-rejection';

export interface CommandResult {
  readonly streamId: string;
  /** The stream's version after the command. */
  readonly version: number;
  /** Global position of the last event written: pass it as `minPosition` to read your write. */
  readonly position: number;
}

export interface HandleOptions {
  readonly metadata?: EventMetadata;
  /** Re-decisions after a concurrent write to the same stream; default 3, then the conflict is thrown. */
  readonly conflictRetries?: number;
  /**
   * Ids for the decided events, in order (the rest get fresh ones): derived from something the
   * client sent again on a retry (a payment id), they make the retry an idempotent re-append.
   */
  readonly eventIds?: readonly string[];
  /**
   * The stream is most likely new (a create under a fresh id): the command is decided on the
   * initial state and appended with 'no_stream', without reading the stream first, so a create
   * is one round trip instead of two. The append is the check: should the stream exist after
   * all, its conflict sends the command down the usual path (read, decide on the real state),
   * which then refuses it as the domain does for an existing stream.
   */
  readonly expectNew?: boolean;
}

/**
 * Reads the stream, folds its state, decides, and appends with the version it decided on, so a
 * concurrent write to the same stream is never overwritten: the command is decided again on the
 * newer state, a few times, before the conflict reaches the caller (409).
 */
export async function handleCommand<S, C, E extends { type: string; data: unknown }>(
  store: Pick<EventStore, 'readStream' | 'append'>,
  streamId: string,
  decider: Decider<S, C, E>,
  command: C,
  options: HandleOptions = {},
): Promise<CommandResult> {
  const retries = options.conflictRetries ?? 3;
  const toNew = (events: E[]) => events.map((e, i) => ({ id: options.eventIds?.[i], type: e.type, data: e.data, metadata: options.metadata }));
  if (options.expectNew) {
    try {
      const result = await store.append(streamId, toNew(decider.decide(command, decider.initialState)), { expectedVersion: 'no_stream' });
      return { streamId, version: result.nextExpectedVersion, position: result.positions[result.positions.length - 1] };
    } catch (error) {
      // Only "it exists" is answered from the stream's real state; a domain refusal of the
      // initial state is too, since the stream may not be in it.
      if (!(error instanceof StreamVersionConflictError) && !(error instanceof DomainRejection)) throw error;
    }
  }
  for (let attempt = 0; ; attempt++) {
    const history = await store.readStream(streamId);
    const state = history.reduce(decider.evolve, decider.initialState);
    const events = decider.decide(command, state);
    try {
      const result = await store.append(
        streamId,
        toNew(events),
        { expectedVersion: history.length === 0 ? 'no_stream' : history[history.length - 1].streamVersion },
      );
      return { streamId, version: result.nextExpectedVersion, position: result.positions[result.positions.length - 1] };
    } catch (error) {
      if (!(error instanceof StreamVersionConflictError) || attempt >= retries) throw error;
    }
  }
}
