import { createSampleRegistry } from '@projectionist/domain-events';
import type { RecordedEvent } from '@projectionist/event-store';
import { seededRandom } from '@projectionist/testing';
import { DocumentBatch, StoredDocument } from '../documents/document-batch';
import { documentLoadsFor } from '../documents/document-loads';
import { foldDocuments } from '../documents/live-fold';
import { DocumentProjection } from '../model/projection-definition';
import { activeProjectProjection, carViewProjection, commitsProjection, customerViewProjection } from '../samples';
import { randomHistory, toRecordedEvents } from './random-history';
import { referenceActiveProjects, referenceCarViews, referenceCommits, referenceCustomerViews } from './reference-folds';

const event = (streamId: string, type: string, data: Record<string, unknown>, position: number, streamVersion = 1): RecordedEvent => ({
  id: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
  streamId,
  streamVersion,
  position,
  transactionId: position,
  category: streamId.split('-')[0],
  type,
  data,
  metadata: {},
  createdAt: new Date(0),
});

/**
 * Applies events page by page the way the daemon does: each page loads only what
 * documentLoadsFor names (ids, reads and every document matching a look-up) from the state the
 * previous pages left. A route that forgets a document shows up as a difference.
 */
function pageWise<T>(projection: DocumentProjection<T>, events: readonly RecordedEvent[], random: () => number): Map<string, T> {
  const types = new Set(projection.eventTypes);
  const relevant = events.filter((e) => types.has(e.type));
  const state = new Map<string, StoredDocument<T>>();
  for (let i = 0; i < relevant.length; ) {
    const page = relevant.slice(i, i + 1 + Math.floor(random() * 200));
    i += page.length;
    const loads = documentLoadsFor(projection, page);
    const loaded = new Map<string, StoredDocument<T>>();
    for (const id of loads.ids) if (state.has(id)) loaded.set(id, state.get(id) as StoredDocument<T>);
    for (const [field, values] of loads.lookups) {
      for (const [id, doc] of state) if (values.includes(String((doc.data as Record<string, unknown>)[field]))) loaded.set(id, doc);
    }
    const batch = new DocumentBatch(projection, loaded);
    for (const e of page) batch.apply(e);
    const changes = batch.changes();
    for (const doc of changes.upserts) state.set(doc.id, doc);
    for (const id of changes.deletes) state.delete(id);
  }
  return new Map([...state].map(([id, doc]) => [id, doc.data]));
}

const carsOnly = (docs: Map<string, unknown>) => new Map([...docs].filter(([, d]) => (d as { docType: string }).docType === 'car'));

describe('sample projections', () => {
  it('CarView shows the new name after a rename that follows the sale (the classic rebuild bug)', () => {
    const events = [
      event('customer-ann', 'customer.created', { name: 'Ann' }, 1),
      event('car-1', 'car.created', { by: 'dealer', color: 'red' }, 2),
      event('car-1', 'car.sold', { to: 'ann' }, 3, 2),
      event('customer-ann', 'customer.renamed', { name: 'Ann Smith' }, 4, 2),
    ];
    expect(foldDocuments(carViewProjection, events).get('car-1')).toEqual({
      docType: 'car', carId: '1', creator: 'dealer', color: 'red', sold: true, customerId: 'ann', customerName: 'Ann Smith',
    });
  });

  it('CarView fills the name of a customer created after the sale, and follows a resale', () => {
    const events = [
      event('car-2', 'car.sold', { to: 'bob' }, 1),
      event('customer-bob', 'customer.created', { name: 'Bob' }, 2),
      event('customer-cid', 'customer.created', { name: 'Cid' }, 3),
      event('car-2', 'car.sold', { to: 'cid' }, 4, 2),
      event('customer-bob', 'customer.renamed', { name: 'Robert' }, 5, 2),
    ];
    const cars = foldDocuments(carViewProjection, events);
    expect(cars.get('car-2')).toMatchObject({ customerId: 'cid', customerName: 'Cid' });
  });

  it('ActiveProject counts lines, open issues and unique sorted contributors', () => {
    const events = [
      event('project-1', 'ProjectStarted', { name: 'Marten', organization: 'JasperFx' }, 1),
      event('project-1', 'CommitPushed', { userName: 'zoe', additions: 10, deletions: 2 }, 2, 2),
      event('project-1', 'CommitPushed', { userName: 'ann', additions: 5, deletions: 1 }, 3, 3),
      event('project-1', 'CommitPushed', { userName: 'zoe', additions: 1, deletions: 0 }, 4, 4),
      event('project-1', 'IssueCreated', { issueId: 'i1', title: 't' }, 5, 5),
      event('project-1', 'IssueCreated', { issueId: 'i2', title: 't' }, 6, 6),
      event('project-1', 'IssueClosed', { issueId: 'i1' }, 7, 7),
      event('project-1', 'IssueReopened', { issueId: 'i1' }, 8, 8),
    ];
    expect(foldDocuments(activeProjectProjection, events).get('project-1')).toEqual({
      projectName: 'Marten', organizationName: 'JasperFx', linesOfCode: 13, openIssueCount: 2, contributors: ['ann', 'zoe'],
    });
  });

  it('random histories are valid for the sample registry', () => {
    const registry = createSampleRegistry();
    for (const append of randomHistory({ seed: 1, events: 3000, streams: 200 })) {
      expect(registry.validate(append.type, append.data)).toMatchObject({ ok: true });
    }
  });

  it.each(Array.from({ length: 20 }, (_, i) => i + 1))('seed %i: page-wise application equals the reference folds', (seed) => {
    const events = toRecordedEvents(randomHistory({ seed, events: 3000, streams: 200 }));
    const random = seededRandom(seed * 31);
    expect(pageWise(activeProjectProjection, events, random)).toEqual(referenceActiveProjects(events));
    expect(carsOnly(pageWise(carViewProjection, events, random))).toEqual(referenceCarViews(events));
    expect(pageWise(customerViewProjection, events, random)).toEqual(referenceCustomerViews(events));
    const rows = events.flatMap((e) => (e.type === 'CommitPushed' ? commitsProjection.project(e) : []));
    expect(rows.map(({ committed_at: _, ...row }) => row)).toEqual(referenceCommits(events));
  });
});
