import { FeedCursor, RecordedEvent } from '@projectionist/event-store';
import { DocumentBatch, documentLoadsFor, DocumentProjection, StoredDocument } from '@projectionist/projections';
import { DeadLetter } from '../storage/dead-letters';
import { loadDocuments, writeDocuments } from '../storage/document-table';
import { commitDocumentsFenced } from '../storage/fenced-document-commit';
import { inFencedTransaction } from '../storage/fenced-transaction';
import { LeaseHold } from '../storage/lease-fence';
import { ProjectionTarget } from '../storage/projection-target';
import { Pool, PoolClient } from 'pg';
import type { BatchStorage } from '../storage/batch-storage';
import { BatchLinks, inBatchSpan } from './batch-span';

/**
 * One transaction's worth of a document projection, filled page by page: each page loads only
 * the documents the batch does not hold yet, and the events are dropped once applied, so memory
 * is bounded by the documents touched, not by the events. The commit writes every changed
 * document once, with the dead letters and the checkpoint, behind the lease fence.
 *
 * A session may start from the previous one's changed documents (`after`), so that it can be
 * filled while the previous commit is still running: the table does not show those changes yet,
 * and they must never be loaded from it.
 */
export class DocumentBatchSession {
  readonly batch: DocumentBatch;
  readonly deadLetters = new Map<string, DeadLetter>();
  readonly positions: number[] = [];
  events = 0;
  private lastEvent: RecordedEvent | undefined;
  private pageEnd: FeedCursor;
  private readonly traceLinks = BatchLinks.create();

  constructor(
    private readonly storage: BatchStorage,
    private readonly target: ProjectionTarget,
    private readonly hold: LeaseHold,
    /** Where the checkpoint stands when this session commits: the end of the session before it. */
    private readonly from: FeedCursor,
    carried: ReadonlyMap<string, StoredDocument | null> = new Map(),
  ) {
    this.batch = new DocumentBatch(target.projection as DocumentProjection, carried);
    this.pageEnd = from;
  }

  /** The session that continues where `previous` ends, holding its changed documents. */
  static after(previous: DocumentBatchSession): DocumentBatchSession {
    return new DocumentBatchSession(previous.storage, previous.target, previous.hold, previous.next, previous.batch.changedDocuments());
  }

  /** Creation time of the last event applied in this batch. */
  lastCreatedAt: Date | undefined;

  /** The cursor the checkpoint moves to: the end of the last whole page, or the last applied event. */
  get next(): FeedCursor {
    const last = this.lastEvent;
    return last ? { transactionId: last.transactionId, position: last.position } : this.pageEnd;
  }

  /** Every event of a page has been applied: the checkpoint may move to the page's end. */
  endPage(next: FeedCursor): void {
    this.lastEvent = undefined;
    this.pageEnd = next;
  }

  /** Loads what the page needs that the batch does not hold yet (one query). */
  async load(events: readonly RecordedEvent[]): Promise<void> {
    await loadMissing(this.storage.pool, this.target, this.batch, events);
  }

  /** Applies one event (throws ProjectionHandlerError, leaving the batch as it was). */
  apply(event: RecordedEvent): void {
    this.batch.apply(event);
    this.applied(event);
  }

  /** Counts an event that was handled without changing documents (e.g. dead-lettered). */
  applied(event: RecordedEvent): void {
    this.events++;
    this.positions.push(event.position);
    this.lastEvent = event;
    this.lastCreatedAt = event.createdAt;
    this.traceLinks?.add(event);
  }

  commit(): Promise<void> {
    return inBatchSpan(this.target, this.events, this.traceLinks, () => this.commitFenced());
  }

  private async commitFenced(): Promise<void> {
    const key = { projection: this.target.projection.name, version: this.target.projection.version, slot: this.target.checkpointSlot ?? this.target.slot };
    const changes = this.batch.changes();
    const lastPosition = this.positions.reduce((max, p) => (p > max ? p : max), 0);
    // The common case in one statement; dead letters, which are rare, in a transaction.
    if (this.deadLetters.size === 0) {
      return commitDocumentsFenced(this.storage, this.target.qualifiedTable, key, this.hold, changes, this.from, this.next, lastPosition);
    }
    await inFencedTransaction(this.storage, this.hold, async (client) => {
      await writeDocuments(client, this.target.qualifiedTable, changes);
      await this.storage.deadLetters.addIn(client, key.projection, key.version, [...this.deadLetters.values()]);
      await this.storage.checkpoints.saveIn(client, key, this.from, this.next, lastPosition);
    });
  }
}

/**
 * Inline projections: the events applied to the documents inside the caller's transaction,
 * with the same load and apply as the daemon's sessions, written at once.
 */
export async function applyDocumentsIn(client: PoolClient, target: ProjectionTarget, events: readonly RecordedEvent[]): Promise<void> {
  const batch = new DocumentBatch(target.projection as DocumentProjection, new Map());
  await loadMissing(client, target, batch, events);
  for (const event of events) batch.apply(event);
  await writeDocuments(client, target.qualifiedTable, batch.changes());
}

/** Loads what `events` need that `batch` does not hold yet, in one query. */
async function loadMissing(db: Pool | PoolClient, target: ProjectionTarget, batch: DocumentBatch, events: readonly RecordedEvent[]): Promise<void> {
  const loads = documentLoadsFor(target.projection as DocumentProjection, events);
  const ids = loads.ids.filter((id) => !batch.has(id));
  if (ids.length === 0 && loads.lookups.size === 0) return;
  batch.addLoaded(await loadDocuments(db, target.qualifiedTable, { ids, lookups: loads.lookups }));
}
