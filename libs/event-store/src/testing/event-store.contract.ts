import { randomUUID } from 'node:crypto';
import { DuplicateEventIdError } from '../errors/duplicate-event-id.error';
import { EventContentConflictError } from '../errors/event-content-conflict.error';
import { EventValidationError } from '../errors/event-validation.error';
import { StreamVersionConflictError } from '../errors/stream-version-conflict.error';
import { EventStore } from '../model/event-store.port';
import { FEED_START, FeedCursor } from '../model/feed-cursor';
import { FeedPage, ReadAllOptions } from '../model/feed-page';
import { RecordedEvent } from '../model/recorded-event';

/**
 * The behaviour every EventStore implementation shares. Each implementation's spec calls it
 * with a factory that returns an empty store.
 */
export function eventStoreContract(name: string, createStore: () => Promise<EventStore>): void {
  describe(`${name} (event store contract)`, () => {
    let store: EventStore;
    beforeEach(async () => {
      store = await createStore();
    });

    const cyclic = () => {
      const data: Record<string, unknown> = {};
      data.self = data;
      return data;
    };
    const started = (n = 1) => Array.from({ length: n }, (_, i) => ({ type: 'car.repainted', data: { color: `c${i}` } }));

    it('appends and reads a stream in version order', async () => {
      const first = await store.append('car-1', started(2), { expectedVersion: 'no_stream' });
      const second = await store.append('car-1', started(1), { expectedVersion: 2 });
      expect(first.nextExpectedVersion).toBe(2);
      expect(second.nextExpectedVersion).toBe(3);
      expect(second.positions[0]).toBeGreaterThan(first.positions[1]);
      const events = await store.readStream('car-1');
      expect(events.map((e) => e.streamVersion)).toEqual([1, 2, 3]);
      expect(events[0]).toMatchObject({ streamId: 'car-1', category: 'car', type: 'car.repainted', data: { color: 'c0' } });
      expect(await store.readStream('car-1', 3)).toHaveLength(1);
      expect(await store.readStream('car-unknown')).toEqual([]);
    });

    it.each([
      [{ expectedVersion: 1 }, 'exact version behind'],
      [{ expectedVersion: 'no_stream' as const }, 'no_stream on an existing stream'],
    ])('rejects %o (%s) with a typed conflict and writes nothing', async (options, _case) => {
      await store.append('car-2', started(2));
      const error = await store.append('car-2', started(1), options).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StreamVersionConflictError);
      expect(error).toMatchObject({ code: 'STREAM_VERSION_CONFLICT', actualVersion: 2 });
      expect(await store.readStream('car-2')).toHaveLength(2);
    });

    it('checks stream_exists', async () => {
      await expect(store.append('car-3', started(), { expectedVersion: 'stream_exists' })).rejects.toBeInstanceOf(
        StreamVersionConflictError,
      );
      await store.append('car-3', started());
      await expect(store.append('car-3', started(), { expectedVersion: 'stream_exists' })).resolves.toMatchObject({
        nextExpectedVersion: 2,
      });
    });

    it('treats re-appending the same event ids as an idempotent success', async () => {
      const events = [
        { id: randomUUID(), type: 'car.created', data: { by: 'ann', color: 'red' } },
        { id: randomUUID(), type: 'car.repainted', data: { color: 'blue' } },
      ];
      const first = await store.append('car-4', events, { expectedVersion: 'no_stream' });
      const again = await store.append('car-4', events, { expectedVersion: 'no_stream' });
      expect(again).toMatchObject({ idempotent: true, positions: first.positions, nextExpectedVersion: 2 });
      expect(await store.readStream('car-4')).toHaveLength(2);
      await expect(store.append('car-5', events)).rejects.toBeInstanceOf(DuplicateEventIdError);
      await expect(store.append('car-4', [events[0], { type: 'car.sold', data: { to: 'x' } }])).rejects.toBeInstanceOf(
        DuplicateEventIdError,
      );
      expect((await settled(store)).events).toHaveLength(2);
    });

    it.each([
      ['type', { type: 'car.painted' }],
      ['data', { data: { color: 'green' } }],
      ['metadata', { metadata: { user: 'bob' } }],
    ])('refuses to re-append an event id with other %s, and keeps the recorded event', async (_field, change) => {
      const event = { id: randomUUID(), type: 'car.repainted', data: { color: 'blue' }, metadata: { user: 'ann' } };
      await store.append('car-12', [event]);
      const retry = store.append('car-12', [{ ...event, ...change }]);
      await expect(retry).rejects.toMatchObject({ code: 'EVENT_CONTENT_CONFLICT', streamId: 'car-12' });
      await expect(retry).rejects.toBeInstanceOf(EventContentConflictError);
      const [recorded] = await store.readStream('car-12');
      expect(recorded).toMatchObject({ id: event.id, type: event.type, data: event.data, metadata: event.metadata });
      expect(await store.readStream('car-12')).toHaveLength(1);
    });

    it('treats the same content with object keys in another order as the same event', async () => {
      const event = { id: randomUUID(), type: 'car.created', data: { by: 'ann', color: 'red' }, metadata: { a: 1, b: 2 } };
      await store.append('car-13', [event]);
      const again = await store.append('car-13', [{ ...event, data: { color: 'red', by: 'ann' }, metadata: { b: 2, a: 1 } }]);
      expect(again.idempotent).toBe(true);
    });

    it('lets one of two appends of the same new event id to different streams at once succeed, the other is a duplicate', async () => {
      const event = { id: randomUUID(), type: 'car.created', data: { by: 'ann', color: 'red' } };
      const results = await Promise.allSettled([store.append('car-14', [event]), store.append('car-15', [event])]);
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0].reason).toBeInstanceOf(DuplicateEventIdError);
      expect((await settled(store)).events).toHaveLength(1);
    });

    it.each([
      ['streamId', '', started()],
      ['streamId', 'x'.repeat(201), started()],
      ['events', 'car-6', []],
      ['events[0].data', 'car-6', [{ type: 't', data: undefined }]],
      ['events[0].data.n', 'car-6', [{ type: 't', data: { n: Number.NaN } }]],
      ['events[0].data', 'car-6', [{ type: 't', data: new Date() }]],
      ['events[0].data.self', 'car-6', [{ type: 't', data: cyclic() }]],
      // eslint-disable-next-line no-sparse-arrays -- a hole is written as null: it would not read back as written
      ['events[0].data.list[1]', 'car-6', [{ type: 't', data: { list: [1, , 3] } }]],
      ['events[0].data.list[0].at', 'car-6', [{ type: 't', data: { list: [{ at: undefined }] } }]],
      ['events[0].id', 'car-6', [{ id: 'not-a-uuid', type: 't', data: {} }]],
      ['events[0].type', 'car-6', [{ type: '', data: {} }]],
      ['events[0]', 'car-6', [{ type: 't', data: { blob: 'x'.repeat(1024 * 1024) } }]],
    ])('rejects a bad %s with a validation error and writes nothing', async (path, streamId, events) => {
      const error = await store.append(streamId, events as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EventValidationError);
      expect((error as EventValidationError).issues.map((i) => i.path)).toContain(path);
      expect((await store.readAll()).events).toHaveLength(0);
    });

    it('rejects a malformed expected version', async () => {
      for (const expectedVersion of [-1, 1.5, 'latest', null]) {
        await expect(store.append('car-7', started(), { expectedVersion } as never)).rejects.toBeInstanceOf(EventValidationError);
      }
    });

    it('follows the feed in pages with filters, and a caught-up cursor sees only new events', async () => {
      await store.append('car-8', started(3));
      await store.append('customer-1', [{ type: 'customer.created', data: { name: 'Zoe' } }]);
      await store.append('car-9', started(2));
      const seen: RecordedEvent[] = [];
      let cursor: FeedCursor = FEED_START;
      for (;;) {
        const page = await store.readAll({ after: cursor, limit: 2 });
        seen.push(...page.events);
        cursor = page.next;
        if (page.caughtUp && !page.pending) break;
        if (page.pending) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(seen.map((e) => e.streamId)).toEqual(['car-8', 'car-8', 'car-8', 'customer-1', 'car-9', 'car-9']);
      expect((await store.readAll({ after: cursor })).events).toEqual([]);
      await store.append('car-8', started(1));
      const next = await settled(store, { after: cursor });
      expect(next.events.map((e) => e.streamVersion)).toEqual([4]);

      expect((await settled(store, { categories: ['customer'] })).events.map((e) => e.type)).toEqual(['customer.created']);
      expect((await settled(store, { types: ['customer.created'] })).events).toHaveLength(1);
      const filtered = await store.readAll({ types: ['nothing'] });
      expect(filtered.events).toEqual([]);
      expect((await store.readAll({ after: filtered.next })).events).toEqual([]);
    });

    it('reports the head and the cursor of a position', async () => {
      expect((await store.readHead()).lastPosition).toBe(0);
      const result = await store.append('car-10', started(2));
      const head = await store.readHead();
      expect(head.lastPosition).toBe(result.positions[1]);
      expect(head.lastCursor).toEqual(result.lastCursor);
      expect(await store.cursorOf(result.positions[1])).toEqual(result.lastCursor);
      expect(await store.cursorOf(999_999)).toBeUndefined();
    });

    it('counts the events of the given types', async () => {
      expect(await store.countEvents(['car.repainted'])).toBe(0);
      await store.append('car-16', started(3));
      await store.append('customer-2', [{ type: 'customer.created', data: { name: 'Zoe' } }]);
      await store.append('car-17', [{ type: 'car.sold', data: { to: 'x' } }]);
      expect(await store.countEvents(['car.repainted'])).toBe(3);
      expect(await store.countEvents(['car.repainted', 'customer.created', 'nothing'])).toBe(4);
      expect(await store.countEvents(['nothing'])).toBe(0);
      expect(await store.countEvents([])).toBe(0);
    });

    it('counts the events of the given types a reader at a cursor has read', async () => {
      const first = await store.append('car-18', started(2));
      await store.append('customer-3', [{ type: 'customer.created', data: { name: 'Yan' } }]);
      await store.append('car-19', started(3));
      expect(await store.countEvents(['car.repainted'], FEED_START)).toBe(0);
      expect(await store.countEvents(['car.repainted'], first.lastCursor)).toBe(2);
      expect(await store.countEvents(['car.repainted', 'customer.created'], (await store.readHead()).lastCursor)).toBe(6);
    });

    it('splits the feed by stream into partitions, each in feed order, up to a cursor', async () => {
      const streams = Array.from({ length: 12 }, (_, i) => `part-${randomUUID()}-${i}`);
      for (const stream of streams) await store.append(stream, started(2));
      const upTo = (await store.readHead()).lastCursor;
      await store.append(streams[0], started(1)); // past upTo: no partition reads it
      const mine = new Set(streams);
      const seen: RecordedEvent[][] = [];
      for (let index = 0; index < 3; index++) {
        const partition = { index, count: 3 };
        const events: RecordedEvent[] = [];
        let after = FEED_START;
        for (;;) {
          const page = await settled(store, { after, limit: 5, types: ['car.repainted'], partition, upTo });
          events.push(...page.events.filter((e) => mine.has(e.streamId)));
          after = page.next;
          if (page.caughtUp) break;
        }
        seen.push(events);
        const counted = await store.countEvents(['car.repainted'], upTo, partition);
        expect(counted).toBeGreaterThanOrEqual(events.length);
      }
      const all = seen.flat();
      expect(all).toHaveLength(24);
      expect(new Set(all.map((e) => e.id)).size).toBe(24);
      for (const events of seen) {
        const partitionStreams = new Set(events.map((e) => e.streamId));
        // A stream lies in one partition, with its versions in order.
        for (const other of seen.filter((o) => o !== events)) expect(other.some((e) => partitionStreams.has(e.streamId))).toBe(false);
        for (const stream of partitionStreams) expect(events.filter((e) => e.streamId === stream).map((e) => e.streamVersion)).toEqual([1, 2]);
      }
      expect(seen.filter((events) => events.length > 0).length).toBeGreaterThan(1);
    });

    it('keeps metadata', async () => {
      const metadata = { correlationId: 'c-1', causationId: 'c-0', tenant: 'acme', user: 'ann' };
      await store.append('car-11', [{ type: 'car.created', data: { by: 'ann', color: 'red' }, metadata }]);
      expect((await store.readStream('car-11'))[0].metadata).toEqual(metadata);
    });
  });
}

/**
 * One page, read again while committed events are pending: they become readable once every older
 * transaction in the database has ended, and other test files may hold one open.
 */
async function settled(store: EventStore, options: ReadAllOptions = {}): Promise<FeedPage> {
  for (let attempt = 0; ; attempt++) {
    const page = await store.readAll(options);
    if (!page.pending || attempt >= 500) return page;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
