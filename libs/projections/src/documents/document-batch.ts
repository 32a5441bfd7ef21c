import type { RecordedEvent } from '@projectionist/event-store';
import { DocumentProjection } from '../model/projection-definition';
import { ProjectionHandlerError } from './projection-handler.error';

export interface StoredDocument<TDoc = unknown> {
  readonly data: TDoc;
  /** Global position of the last event applied to the document. */
  readonly lastPosition: number;
}

export interface DocumentChanges<TDoc = unknown> {
  readonly upserts: readonly ({ readonly id: string } & StoredDocument<TDoc>)[];
  readonly deletes: readonly string[];
}

/**
 * Applies a page of events to documents in memory: each touched document is loaded once,
 * every event is applied in order, and only the final state of each changed document is
 * written. Pure: the caller loads `documentLoadsFor(...)` first and writes `changes()` after.
 *
 * An event is applied atomically: if `evolve` throws for one of its documents, none of them
 * change, so a dead-lettered event leaves no trace.
 */
export class DocumentBatch<TDoc = unknown> {
  private readonly docs: Map<string, StoredDocument<TDoc> | null>;
  private readonly changed = new Set<string>();
  /** field → value → ids, built on first use and kept current, for `where` routes. */
  private readonly indexes = new Map<string, Map<string, Set<string>>>();

  /** `loaded` may hold `null` for a document known to be deleted (see `changedDocuments`). */
  constructor(
    private readonly projection: DocumentProjection<TDoc>,
    loaded: ReadonlyMap<string, StoredDocument<TDoc> | null>,
  ) {
    this.docs = new Map(loaded);
  }

  /** Documents already in the batch, whose stored copies must not replace them. */
  has(id: string): boolean {
    return this.docs.has(id);
  }

  /**
   * Adds documents loaded for a further page. Documents the batch already holds keep the
   * batch's version: it is newer than the stored one.
   */
  addLoaded(loaded: ReadonlyMap<string, StoredDocument<TDoc>>): void {
    for (const [id, doc] of loaded) {
      if (this.docs.has(id)) continue;
      this.docs.set(id, doc);
      for (const [field, index] of this.indexes) reindex(index, fieldOf(doc.data, field), id);
    }
  }

  /** Documents changed since the batch began (what a commit would write). */
  get changedCount(): number {
    return this.changed.size;
  }

  apply(event: RecordedEvent): void {
    const route = this.projection.route(event);
    if (!route.where && route.ids?.length === 1) return this.applyToOne(route.ids[0], event);
    const ids = new Set(route.ids ?? []);
    if (route.where) for (const id of this.matching(route.where.field, route.where.equals)) ids.add(id);
    const next = new Map<string, TDoc | null>();
    const get = (id: string) => (next.has(id) ? (next.get(id) ?? undefined) : (this.docs.get(id)?.data ?? undefined));
    try {
      for (const id of ids) next.set(id, this.projection.evolve(get(id), event, { id, get }));
    } catch (error) {
      throw new ProjectionHandlerError(this.projection.name, event, error);
    }
    for (const [id, data] of next) this.set(id, data === null ? null : { data, lastPosition: event.position });
  }

  /** The single-stream case, without the bookkeeping that several documents per event need. */
  private applyToOne(id: string, event: RecordedEvent): void {
    const current = this.docs.get(id)?.data ?? undefined;
    let next: TDoc | null;
    try {
      next = this.projection.evolve(current, event, { id, get: (other) => (other === id ? current : (this.docs.get(other)?.data ?? undefined)) });
    } catch (error) {
      throw new ProjectionHandlerError(this.projection.name, event, error);
    }
    this.set(id, next === null ? null : { data: next, lastPosition: event.position });
  }

  /**
   * The final state of every changed document, `null` for deleted ones: what the next batch
   * starts from while this one's write is still on its way to the table.
   */
  changedDocuments(): Map<string, StoredDocument<TDoc> | null> {
    const changed = new Map<string, StoredDocument<TDoc> | null>();
    for (const id of this.changed) changed.set(id, this.docs.get(id) ?? null);
    return changed;
  }

  changes(): DocumentChanges<TDoc> {
    const upserts: ({ id: string } & StoredDocument<TDoc>)[] = [];
    const deletes: string[] = [];
    for (const id of this.changed) {
      const doc = this.docs.get(id);
      if (doc) upserts.push({ id, ...doc });
      else deletes.push(id);
    }
    return { upserts, deletes };
  }

  private set(id: string, doc: StoredDocument<TDoc> | null): void {
    const before = this.docs.get(id);
    for (const [field, index] of this.indexes) {
      unindex(index, fieldOf(before?.data, field), id);
      reindex(index, fieldOf(doc?.data, field), id);
    }
    this.docs.set(id, doc);
    this.changed.add(id);
  }

  private matching(field: string, value: string): Iterable<string> {
    let index = this.indexes.get(field);
    if (!index) {
      index = new Map();
      for (const [id, doc] of this.docs) reindex(index, fieldOf(doc?.data, field), id);
      this.indexes.set(field, index);
    }
    return [...(index.get(value) ?? [])];
  }
}

function fieldOf(data: unknown, field: string): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const value = (data as Record<string, unknown>)[field];
  return value === undefined || value === null ? undefined : String(value);
}

function reindex(index: Map<string, Set<string>>, value: string | undefined, id: string): void {
  if (value === undefined) return;
  const ids = index.get(value) ?? new Set<string>();
  ids.add(id);
  index.set(value, ids);
}

function unindex(index: Map<string, Set<string>>, value: string | undefined, id: string): void {
  if (value !== undefined) index.get(value)?.delete(id);
}
