import type { RecordedEvent } from '@projectionist/event-store';
import { DocumentProjection } from '../model/projection-definition';
import { DocumentBatch } from './document-batch';
import { ProjectionHandlerError } from './projection-handler.error';

const event = (type: string, data: Record<string, unknown>, position: number): RecordedEvent => ({
  id: `id-${position}`, streamId: 's-1', streamVersion: position, position, transactionId: 1, category: 's', type, data, metadata: {}, createdAt: new Date(0),
});

type Doc = { owner: string; n: number };
const projection: DocumentProjection<Doc> = {
  kind: 'document', name: 'Owned', version: 1, mode: 'async', eventTypes: ['set', 'bump', 'drop', 'boom'],
  route: (e) => {
    const data = e.data as Record<string, string>;
    return e.type === 'bump' || e.type === 'boom' ? { where: { field: 'owner', equals: data.owner } } : { ids: [data.id] };
  },
  evolve: (doc, e, ctx) => {
    if (e.type === 'boom' && ctx.id === 'b') throw new Error('boom on b');
    if (e.type === 'drop') return null;
    if (e.type === 'set') return { owner: (e.data as Record<string, string>).owner, n: doc?.n ?? 0 };
    return { ...(doc as Doc), n: (doc as Doc).n + 1 };
  },
};

describe('DocumentBatch', () => {
  it('hands its changed documents, deletions included, to the batch after it, which never reloads them', () => {
    const first = new DocumentBatch(projection, new Map([['a', { data: { owner: 'x', n: 0 }, lastPosition: 1 }], ['c', { data: { owner: 'y', n: 0 }, lastPosition: 1 }]]));
    first.apply(event('set', { id: 'b', owner: 'x' }, 2));
    first.apply(event('drop', { id: 'a' }, 3));
    const carried = first.changedDocuments();
    expect(carried).toEqual(new Map([['b', { data: { owner: 'x', n: 0 }, lastPosition: 2 }], ['a', null]]));

    const next = new DocumentBatch(projection, carried);
    // The table still holds 'a' (the first batch's write may not have landed): the deletion wins.
    next.addLoaded(new Map([['a', { data: { owner: 'x', n: 7 }, lastPosition: 1 }]]));
    expect(next.has('a') && next.has('b')).toBe(true);
    next.apply(event('bump', { owner: 'x' }, 4));
    expect(next.changes()).toEqual({ upserts: [{ id: 'b', data: { owner: 'x', n: 1 }, lastPosition: 4 }], deletes: [] });
  });

  it('applies an event to all its documents or to none', () => {
    const batch = new DocumentBatch(projection, new Map([['a', { data: { owner: 'x', n: 0 }, lastPosition: 1 }], ['b', { data: { owner: 'x', n: 0 }, lastPosition: 1 }]]));
    expect(() => batch.apply(event('boom', { owner: 'x' }, 2))).toThrow(ProjectionHandlerError);
    expect(batch.changes()).toEqual({ upserts: [], deletes: [] });
  });

  it('keeps look-ups current as documents change their field, and deletes with null', () => {
    const batch = new DocumentBatch(projection, new Map([['a', { data: { owner: 'x', n: 0 }, lastPosition: 1 }]]));
    batch.apply(event('bump', { owner: 'x' }, 2));
    batch.apply(event('set', { id: 'a', owner: 'y' }, 3));
    batch.apply(event('bump', { owner: 'x' }, 4));
    batch.apply(event('bump', { owner: 'y' }, 5));
    batch.apply(event('set', { id: 'c', owner: 'y' }, 6));
    batch.apply(event('drop', { id: 'c' }, 7));
    expect(batch.changes()).toEqual({ upserts: [{ id: 'a', data: { owner: 'y', n: 2 }, lastPosition: 5 }], deletes: ['c'] });
  });
});

describe('DocumentBatch across pages', () => {
  it('keeps its own newer version when a later page loads the stored copy', () => {
    const batch = new DocumentBatch(projection, new Map([['a', { data: { owner: 'x', n: 0 }, lastPosition: 1 }]]));
    batch.apply(event('bump', { owner: 'x' }, 2));
    batch.addLoaded(new Map([
      ['a', { data: { owner: 'x', n: 0 }, lastPosition: 1 }],
      ['b', { data: { owner: 'x', n: 5 }, lastPosition: 1 }],
    ]));
    batch.apply(event('bump', { owner: 'x' }, 3));
    expect(batch.changedCount).toBe(2);
    expect(batch.changes().upserts).toEqual([
      { id: 'a', data: { owner: 'x', n: 2 }, lastPosition: 3 },
      { id: 'b', data: { owner: 'x', n: 6 }, lastPosition: 3 },
    ]);
  });
});
