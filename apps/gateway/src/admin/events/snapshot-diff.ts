/** One server-sent event: its name and JSON payload. */
export interface AdminEvent {
  readonly event: 'projection' | 'rebuild' | 'node';
  readonly data: unknown;
}

export type Fingerprints = Map<string, string>;

/**
 * Pure: the events that bring a client from the previous snapshot to this one. Each item is
 * compared by a fingerprint of the fields that matter (a node's heartbeat time changes at every
 * beat and would flood the stream); returns the events and the new fingerprints.
 */
export function diffSnapshot<T>(
  event: AdminEvent['event'],
  previous: Fingerprints,
  items: readonly T[],
  keyOf: (item: T) => string,
  fingerprintOf: (item: T) => unknown = (item) => item,
): { events: AdminEvent[]; fingerprints: Fingerprints } {
  const fingerprints: Fingerprints = new Map();
  const events: AdminEvent[] = [];
  for (const item of items) {
    const key = `${event}:${keyOf(item)}`;
    const fingerprint = JSON.stringify(fingerprintOf(item));
    fingerprints.set(key, fingerprint);
    if (previous.get(key) !== fingerprint) events.push({ event, data: item });
  }
  return { events, fingerprints };
}

/** Server-sent events wire format: one `event:` and one `data:` line, then a blank line. */
export function formatEvent({ event, data }: AdminEvent): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
