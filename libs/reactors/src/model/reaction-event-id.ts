import { createHash } from 'node:crypto';

// A fixed namespace UUID for the ids reactors derive (RFC 4122 §4.3): ids of other origins never collide with them.
const REACTION_NAMESPACE = Buffer.from('6f1d2c1e4b7a5c3e9d0a2b4c6e8f0a1b', 'hex');

/**
 * A name-based (version 5) UUID: the same name always gives the same id. Deriving an event's id
 * from what caused it is what makes a reactor's write idempotent: written again after a crash,
 * it is the same event, and the store answers the re-append as a no-op.
 */
export function nameBasedUuid(name: string, namespace: Buffer = REACTION_NAMESPACE): string {
  const hash = createHash('sha1').update(namespace).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The id of the `index`-th event `reactor` writes to `streamId` in response to the event
 * `sourceEventId`. The target stream is part of the name: one source event often leads to writes
 * to several streams (each stay merged, then the group), whose ids must differ.
 */
export function reactionEventId(reactor: string, sourceEventId: string, streamId: string, index: number): string {
  return nameBasedUuid([reactor, sourceEventId, streamId, String(index)].join('\u0000'));
}
