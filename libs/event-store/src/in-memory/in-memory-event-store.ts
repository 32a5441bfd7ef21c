import { isDeepStrictEqual } from 'node:util';
import { AppendLimits, DEFAULT_APPEND_LIMITS, EventSchemaValidator, toAppendRequest } from '../append/append-request';
import { DuplicateEventIdError } from '../errors/duplicate-event-id.error';
import { EventContentConflictError } from '../errors/event-content-conflict.error';
import { StreamVersionConflictError } from '../errors/stream-version-conflict.error';
import { EventStore, EventStoreSession, FeedHead } from '../model/event-store.port';
import { compareCursors, FEED_START, FeedCursor, hasReached } from '../model/feed-cursor';
import { FeedPage, ReadAllOptions, StreamPartition } from '../model/feed-page';
import { AppendOptions, AppendResult, NewEvent, RecordedEvent } from '../model/recorded-event';
import { DEFAULT_PAGE_SIZE } from '../postgres/postgres-event-store';

/**
 * The event store in memory, for fast deterministic tests of code built on the port. Each append
 * is its own "transaction" and commits at once, so positions and commit order coincide.
 */
export class InMemoryEventStore implements EventStore {
  private readonly events: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly limits: AppendLimits;

  constructor(options: { limits?: Partial<AppendLimits>; validator?: EventSchemaValidator } = {}) {
    this.limits = { ...DEFAULT_APPEND_LIMITS, ...options.limits };
    this.validator = options.validator;
  }

  private readonly validator: EventSchemaValidator | undefined;

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    const request = toAppendRequest(streamId, events, options.expectedVersion, this.limits, this.validator);
    const stream = this.streams.get(request.streamId) ?? [];
    const ids = new Set(request.events.map((e) => e.id));
    const existing = this.events.filter((e) => ids.has(e.id));
    if (existing.length > 0) {
      if (existing.length !== ids.size || existing.some((e) => e.streamId !== request.streamId)) {
        throw new DuplicateEventIdError(request.streamId);
      }
      const same = (e: RecordedEvent) => {
        const sent = request.events.find((s) => s.id === e.id);
        return sent !== undefined && sent.type === e.type && sameJson(sent.dataJson, e.data) && sameJson(sent.metadataJson, e.metadata);
      };
      if (!existing.every(same)) throw new EventContentConflictError(request.streamId);
      return this.result(request.streamId, existing, true);
    }
    const version = stream.length;
    const expected = request.expected;
    if (
      (typeof expected === 'number' && expected !== version) ||
      (expected === 'no_stream' && version !== 0) ||
      (expected === 'stream_exists' && version === 0)
    ) {
      throw new StreamVersionConflictError(request.streamId, expected, version);
    }
    const transactionId = this.events.length + 1;
    const recorded = request.events.map((e, i): RecordedEvent => ({
      id: e.id,
      streamId: request.streamId,
      streamVersion: version + i + 1,
      position: this.events.length + i + 1,
      transactionId,
      category: request.category,
      type: e.type,
      data: structuredClone(e.data),
      metadata: structuredClone(e.metadata),
      createdAt: new Date(),
    }));
    this.events.push(...recorded);
    this.streams.set(request.streamId, [...stream, ...recorded]);
    return this.result(request.streamId, recorded, false);
  }

  /** No isolation: appends made by `work` stay even if it throws. Use the Postgres store to test atomicity. */
  transaction<T>(work: (session: EventStoreSession) => Promise<T>): Promise<T> {
    return work(this);
  }

  async readStream(streamId: string, fromVersion = 1): Promise<RecordedEvent[]> {
    return (this.streams.get(streamId) ?? []).filter((e) => e.streamVersion >= fromVersion);
  }

  async readAll(options: ReadAllOptions = {}): Promise<FeedPage> {
    const after = options.after ?? FEED_START;
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    const page: RecordedEvent[] = [];
    let next = after;
    for (const event of this.events) {
      if (compareCursors(event, after) <= 0) continue;
      if (page.length === limit) return { events: page, count: page.length, next, caughtUp: false, pending: false };
      next = { transactionId: event.transactionId, position: event.position };
      if (options.types?.length && !options.types.includes(event.type)) continue;
      if (options.categories?.length && !options.categories.includes(event.category)) continue;
      if (options.partition && !inPartition(event.streamId, options.partition)) continue;
      if (options.upTo && !hasReached(options.upTo, event)) continue;
      page.push(event);
    }
    return { events: page, count: page.length, next, caughtUp: true, pending: false };
  }

  async readHead(): Promise<FeedHead> {
    const last = this.events[this.events.length - 1];
    return {
      lastPosition: last?.position ?? 0,
      readableCursor: last ? { transactionId: last.transactionId, position: last.position } : FEED_START,
      lastCursor: last ? { transactionId: last.transactionId, position: last.position } : FEED_START,
    };
  }

  async cursorOf(position: number): Promise<FeedCursor | undefined> {
    const event = this.events[position - 1];
    return event && { transactionId: event.transactionId, position };
  }

  async countEvents(types: readonly string[], upTo?: FeedCursor, partition?: StreamPartition): Promise<number> {
    const wanted = new Set(types);
    return this.events.filter(
      (e) => wanted.has(e.type) && (!upTo || hasReached(upTo, { transactionId: e.transactionId, position: e.position })) && (!partition || inPartition(e.streamId, partition)),
    ).length;
  }

  private result(streamId: string, events: readonly RecordedEvent[], idempotent: boolean): AppendResult {
    const last = events[events.length - 1];
    return {
      streamId,
      nextExpectedVersion: last.streamVersion,
      positions: events.map((e) => e.position),
      lastCursor: { transactionId: last.transactionId, position: last.position },
      idempotent,
    };
  }
}

/**
 * Equal as JSON values whatever the order of object keys, as jsonb compares them in the Postgres
 * store. Both sides go through JSON.parse so that they are plain objects of the same realm.
 */
function sameJson(json: string, value: unknown): boolean {
  return isDeepStrictEqual(JSON.parse(json), JSON.parse(JSON.stringify(value)));
}

/**
 * A stable hash of the stream id (FNV-1a) modulo the count. Not PostgreSQL's hashtext: the
 * partitions of a store only have to agree among themselves.
 */
function inPartition(streamId: string, { index, count }: StreamPartition): boolean {
  let hash = 0x811c9dc5;
  for (let i = 0; i < streamId.length; i++) hash = Math.imul(hash ^ streamId.charCodeAt(i), 0x01000193) >>> 0;
  return hash % count === index;
}
