import { opsCounters } from '@projectionist/observability';
import { inSpan, Span, SpanKind, traceMetadataOf } from '@projectionist/tracing';
import { Pool, PoolClient } from 'pg';
import { AppendLimits, AppendRequest, DEFAULT_APPEND_LIMITS, EventSchemaValidator, toAppendRequest } from '../append/append-request';
import { DuplicateEventIdError } from '../errors/duplicate-event-id.error';
import { EventContentConflictError } from '../errors/event-content-conflict.error';
import { StreamOrderConflictError } from '../errors/stream-order-conflict.error';
import { StreamVersionConflictError } from '../errors/stream-version-conflict.error';
import { EventStore, EventStoreSession, FeedHead } from '../model/event-store.port';
import { FEED_START, FeedCursor } from '../model/feed-cursor';
import { FeedPage, ReadAllOptions, StreamPartition } from '../model/feed-page';
import { AppendOptions, AppendResult, EventMetadata, NewEvent, RecordedEvent } from '../model/recorded-event';
import { EventUpcaster, toRecordedEvent } from './event-row';
import { AppendCalls } from './append-call';
import { CommitNotifier } from './commit-notifier';
import { feedChannel, quoteIdentifier, statementName } from './identifiers';
import { readFeedPage, streamPartitionCondition } from './read-feed-page';

export interface PostgresEventStoreOptions {
  readonly pool: Pool;
  readonly namespace: string;
  readonly limits?: Partial<AppendLimits>;
  /** Validates the data of known event types on append (e.g. the domain-events registry). */
  readonly validator?: EventSchemaValidator;
  /** Turns old event shapes into current ones on read. */
  readonly upcaster?: EventUpcaster;
  /** How often `transaction` re-runs its work after a StreamOrderConflictError; default 5. */
  readonly orderConflictRetries?: number;
}

export const DEFAULT_PAGE_SIZE = 500;

/** A transaction of the Postgres store: appends, and the client for writes that must commit with them. */
export interface PostgresSession extends EventStoreSession {
  readonly client: PoolClient;
  /** Like append, and also returns the events as recorded (empty when the append was idempotent). */
  appendRecorded(streamId: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult & { recorded: RecordedEvent[] }>;
}
const MAX_PAGE_SIZE = 10_000;
const UNIQUE_VIOLATION = '23505';
const APPEND_SPAN = 'event-store append';

function appendSpanOptions(streamId: string) {
  return { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql', 'db.operation.name': 'append_to_stream', 'projectionist.stream_id': streamId } };
}

/** What a traced append writes into its events' metadata: this span as their origin (see linkFromMetadata). */
function traceStampOf(span: Span | undefined): EventMetadata | undefined {
  return span ? { ...traceMetadataOf(span.spanContext()) } : undefined;
}

function recordAppend(span: Span | undefined, result: AppendResult): void {
  span?.setAttributes({
    'projectionist.event_count': result.positions.length,
    'projectionist.last_position': result.positions[result.positions.length - 1],
    'projectionist.idempotent': result.idempotent,
  });
}

export class PostgresEventStore implements EventStore {
  private readonly pool: Pool;
  private readonly schema: string;
  private readonly limits: AppendLimits;
  private readonly notifier: CommitNotifier;
  private readonly calls: AppendCalls;

  constructor(private readonly options: PostgresEventStoreOptions) {
    this.pool = options.pool;
    this.notifier = new CommitNotifier(options.pool, feedChannel(options.namespace));
    this.schema = quoteIdentifier(options.namespace);
    this.calls = new AppendCalls(this.schema);
    this.limits = { ...DEFAULT_APPEND_LIMITS, ...options.limits };
  }

  append(streamId: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    // The notification is poked inside the append's span, so its own span is the append's child.
    return inSpan(APPEND_SPAN, appendSpanOptions(streamId), async (span) => {
      const request = toAppendRequest(streamId, events, options.expectedVersion, this.limits, this.options.validator, traceStampOf(span));
      const result = await this.appendWith(this.pool, request);
      recordAppend(span, result);
      if (!result.idempotent) {
        opsCounters.eventsAppended.inc(result.recorded.length);
        this.notifier.poke();
      }
      return result;
    });
  }

  /** How announcing appends to listeners is going (failures only delay them until their next poll). */
  get notificationStatus(): CommitNotifier['status'] {
    return this.notifier.status;
  }

  async transaction<T>(work: (session: PostgresSession) => Promise<T>): Promise<T> {
    const retries = this.options.orderConflictRetries ?? 5;
    for (let attempt = 0; ; attempt++) {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        let appended = 0;
        const appendRecorded = (streamId: string, events: readonly NewEvent[], options: AppendOptions = {}) =>
          inSpan(APPEND_SPAN, appendSpanOptions(streamId), async (span) => {
            const request = toAppendRequest(streamId, events, options.expectedVersion, this.limits, this.options.validator, traceStampOf(span));
            const result = await this.appendWith(client, request);
            recordAppend(span, result);
            appended += result.recorded.length;
            return result;
          });
        const session: PostgresSession = { client, appendRecorded, append: appendRecorded };
        const result = await work(session);
        await client.query('COMMIT');
        opsCounters.eventsAppended.inc(appended);
        this.notifier.poke();
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        if (!(error instanceof StreamOrderConflictError) || attempt >= retries) throw error;
      } finally {
        client.release();
      }
    }
  }

  async readStream(streamId: string, fromVersion = 1): Promise<RecordedEvent[]> {
    const text = `SELECT * FROM ${this.schema}.events WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version`;
    const { rows } = await this.pool.query({ name: statementName(text), text, values: [streamId, fromVersion] });
    return rows.map((row) => toRecordedEvent(row, this.options.upcaster));
  }

  readAll(options: ReadAllOptions = {}): Promise<FeedPage> {
    const limit = Math.min(Math.max(1, options.limit ?? DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE);
    return readFeedPage(this.pool, this.schema, { ...options, limit }, this.options.upcaster);
  }

  async readHead(): Promise<FeedHead> {
    const { rows } = await this.pool.query(
      `SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin, (SELECT max(position) FROM ${this.schema}.events) AS last,
              l.transaction_id AS last_tx, l.position AS last_pos
         FROM (SELECT 1) one
         LEFT JOIN LATERAL (SELECT transaction_id, position FROM ${this.schema}.events
                             ORDER BY transaction_id DESC, position DESC LIMIT 1) l ON true`,
    );
    const row = rows[0];
    return {
      lastPosition: row.last ?? 0,
      readableCursor: { transactionId: row.xmin, position: 0 },
      lastCursor: row.last_tx === null ? FEED_START : { transactionId: row.last_tx, position: row.last_pos },
    };
  }

  async cursorOf(position: number): Promise<FeedCursor | undefined> {
    const { rows } = await this.pool.query(`SELECT transaction_id FROM ${this.schema}.events WHERE position = $1`, [position]);
    return rows.length === 0 ? undefined : { transactionId: rows[0].transaction_id, position };
  }

  async countEvents(types: readonly string[], upTo?: FeedCursor, partition?: StreamPartition): Promise<number> {
    const conditions = ['type = ANY ($1::text[])'];
    const values: unknown[] = [types];
    if (upTo) {
      values.push(String(upTo.transactionId), upTo.position);
      conditions.push('(transaction_id, position) <= ($2::text::xid8, $3::bigint)');
    }
    if (partition) conditions.push(streamPartitionCondition('stream_id', partition));
    const { rows } = await this.pool.query(`SELECT count(*)::bigint AS n FROM ${this.schema}.events WHERE ${conditions.join(' AND ')}`, values);
    return Number(rows[0].n);
  }

  private recorded(request: AppendRequest, row: { stream_version: number; positions: number[]; transaction_id: number; created_at: Date }): RecordedEvent[] {
    const first = row.stream_version - request.events.length + 1;
    return request.events.map((e, i) => ({
      id: e.id,
      streamId: request.streamId,
      streamVersion: first + i,
      position: row.positions[i],
      transactionId: row.transaction_id,
      category: request.category,
      type: e.type,
      data: e.data,
      metadata: e.metadata,
      createdAt: row.created_at,
    }));
  }

  private async appendWith(db: Pool | PoolClient, request: AppendRequest): Promise<AppendResult & { recorded: RecordedEvent[] }> {
    const { rows } = await db.query(this.calls.of(request)).catch((error: { code?: string; constraint?: string }) => {
      // Two streams given the same new event id at once: neither saw the other's row, the unique
      // index makes the later one wait and then fail. The same answer as when it came later.
      if (error.code === UNIQUE_VIOLATION && error.constraint === 'events_event_id_uq') throw new DuplicateEventIdError(request.streamId);
      throw error;
    });
    const row = rows[0] as { status: string; stream_version: number; positions: number[]; transaction_id: number; created_at: Date };
    switch (row.status) {
      case 'ok':
      case 'idempotent':
        return {
          streamId: request.streamId,
          nextExpectedVersion: row.stream_version,
          positions: row.positions,
          lastCursor: { transactionId: row.transaction_id, position: row.positions[row.positions.length - 1] },
          idempotent: row.status === 'idempotent',
          recorded: row.status === 'idempotent' ? [] : this.recorded(request, row),
        };
      case 'conflict':
        throw new StreamVersionConflictError(request.streamId, request.expected, row.stream_version);
      case 'duplicate_event_id':
        throw new DuplicateEventIdError(request.streamId);
      case 'content_conflict':
        throw new EventContentConflictError(request.streamId);
      case 'order_conflict':
        throw new StreamOrderConflictError(request.streamId);
      default:
        throw new Error(`append_to_stream returned unknown status "${row.status}"`);
    }
  }
}
