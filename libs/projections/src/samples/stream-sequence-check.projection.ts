import { sampleEventTypes } from '@projectionist/domain-events';
import { singleStreamProjection } from '../documents/single-stream';

export interface StreamSequence {
  readonly lastVersion: number;
  readonly lastPosition: number;
}

/**
 * An audit projection over every sample stream: it fails (and, with the default `stop` policy,
 * parks the daemon in the error state) on any event seen twice or out of order. It is how the
 * HotCold tests prove that two workers never apply at once, and a cheap tripwire in production.
 */
export const streamSequenceCheckProjection = singleStreamProjection<StreamSequence>({
  name: 'StreamSequenceCheck',
  version: 1,
  eventTypes: sampleEventTypes,
  retry: { attempts: 1 },
  evolve: (doc, event) => {
    const expected = (doc?.lastVersion ?? 0) + 1;
    if (event.streamVersion !== expected || event.position <= (doc?.lastPosition ?? 0)) {
      throw new Error(
        `${event.streamId}: got version ${event.streamVersion} at position ${event.position} after version ${doc?.lastVersion ?? 0} at ${doc?.lastPosition ?? 0}`,
      );
    }
    return { lastVersion: event.streamVersion, lastPosition: event.position };
  },
});
