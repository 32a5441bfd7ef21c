import type { RecordedEvent } from '@projectionist/event-store';

/** inline: in the appending transaction; async: by the daemon; live: folded on demand, not stored. */
export type ProjectionMode = 'inline' | 'async' | 'live';

/**
 * What happens to an event whose handler still throws after the retries:
 * `stop` parks the projection in the `error` state with the event and the error visible;
 * `dead-letter` records the event and the error in the dead-letter table and goes on.
 */
export type ErrorPolicy = { readonly kind: 'stop' } | { readonly kind: 'dead-letter' };

export interface RetryPolicy {
  readonly attempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, initialDelayMs: 100, maxDelayMs: 5_000 };

/**
 * The replay rule. A projection only derives its own table from events: it is replayed from
 * the start of the feed by every rebuild (blocking or online), by every new version, and again
 * after a crash between its writes and its checkpoint (they commit together, so never half). Its
 * handlers must therefore have no effect outside the projection's transaction: no HTTP calls, no
 * messages, no appends, no writes to other tables. What acts on the outside world is a reactor,
 * which runs on its own checkpoint, is never replayed by a projection's rebuild, and makes its
 * writes idempotent instead.
 */
interface ProjectionBase {
  /** Stable name, e.g. `CarView`; readers use it (as `car_view`). */
  readonly name: string;
  /** Bumped when the projection's logic or shape changes: a new version is built in a new table. */
  readonly version: number;
  readonly mode: ProjectionMode;
  /** The event types the projection reads; the daemon only fetches these. */
  readonly eventTypes: readonly string[];
  readonly errorPolicy?: ErrorPolicy;
  readonly retry?: Partial<RetryPolicy>;
}

/** Which documents an event changes, found without I/O. */
export interface DocumentRoute {
  /** Documents changed by id (created when missing). */
  readonly ids?: readonly string[];
  /** Also every existing document whose top-level `field` equals `equals` (e.g. cars sold to a customer). */
  readonly where?: { readonly field: string; readonly equals: string };
  /** Documents `evolve` reads through `ctx.get`, without changing them. */
  readonly reads?: readonly string[];
}

export interface EvolveContext<TDoc> {
  /** Id of the document being evolved. */
  readonly id: string;
  /** A document named in the route's `reads` (or ids), as it is at this event. */
  get(id: string): TDoc | undefined;
}

/**
 * Documents (JSON) keyed by id, one table per projection version. A single-stream aggregate
 * routes each event to its stream's document; a multi-stream projection routes by any key
 * and can follow look-ups (`where`).
 */
export interface DocumentProjection<TDoc = unknown> extends ProjectionBase {
  readonly kind: 'document';
  /** Top-level fields used in `where` routes; each gets an index so look-ups stay fast. */
  readonly indexedFields?: readonly string[];
  /**
   * Every document derives from one stream's events alone (its id is the stream id, it reads no
   * other document): set by singleStreamProjection. Such a projection's rebuild may be split by
   * stream across workers, since the partitions write disjoint documents.
   */
  readonly singleStream?: boolean;
  route(event: RecordedEvent): DocumentRoute;
  /** The document after the event; `null` deletes it. Must not mutate `doc`. */
  evolve(doc: TDoc | undefined, event: RecordedEvent, ctx: EvolveContext<TDoc>): TDoc | null;
}

/** What a custom projection's handler may do: queries in the page's transaction. */
export interface ProjectionTransaction {
  /** Quoted, schema-qualified name of the table this projection version owns. */
  readonly table: string;
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: R[] }>;
}

/**
 * Anything else: a handler gets each batch of events and the transaction the checkpoint
 * commits in. `createTable` makes its table (called with the versioned, quoted name).
 */
export interface CustomProjection extends ProjectionBase {
  readonly kind: 'custom';
  createTable(table: string): string;
  handle(events: readonly RecordedEvent[], tx: ProjectionTransaction): Promise<void>;
}

/**
 * Event projection into a plain relational table: each event gives rows to insert. The table
 * is described as a TypeORM EntitySchema (see flat-table/), built for the versioned name.
 */
export interface FlatTableProjection<TRow extends Record<string, unknown> = Record<string, unknown>> extends ProjectionBase {
  readonly kind: 'flat-table';
  /** Column definitions of the table, as a function of its versioned name. */
  readonly table: FlatTableDefinition;
  project(event: RecordedEvent): readonly TRow[];
}

/** The parts of a TypeORM EntitySchema the daemon needs; `flatTable()` derives it from one. */
export interface FlatTableDefinition {
  readonly columns: readonly { readonly name: string; readonly sqlType: string; readonly primary: boolean; readonly nullable: boolean }[];
  /** The EntitySchema for a versioned table name, for TypeORM repositories in read code. */
  readonly entityFor: (tableName: string) => unknown;
}

export type Projection = DocumentProjection<any> | CustomProjection | FlatTableProjection<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Whether a rebuild of `projection` may be split by stream (see DocumentProjection.singleStream). */
export function isSingleStream(projection: Projection): boolean {
  return projection.kind === 'document' && projection.singleStream === true;
}
