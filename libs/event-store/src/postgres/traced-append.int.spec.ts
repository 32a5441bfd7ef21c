import { randomUUID } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import { InMemoryTracing, startInMemoryTracing } from '@projectionist/tracing/testing';
import { createTestNamespace, TestNamespace, waitFor } from '@projectionist/testing';
import { Pool } from 'pg';
import { runMigrations } from '../migrations/run-migrations';
import { createEventStorePool } from './event-store-pool';
import { PostgresEventStore } from './postgres-event-store';

/**
 * What tracing writes into events, and what it must leave alone: nothing at all while tracing is
 * off (the default), and never the metadata of an event whose id the caller chose, whose retry
 * must compare equal to what was stored.
 */
describe('PostgresEventStore with tracing', () => {
  let db: TestNamespace;
  let pool: Pool;
  let store: PostgresEventStore;
  const metadataOf = async (streamId: string) => (await store.readStream(streamId)).map((e) => e.metadata);

  beforeAll(async () => {
    db = await createTestNamespace('traced_append');
    await runMigrations({ databaseUrl: db.databaseUrl, namespace: db.namespace });
    pool = createEventStorePool({ connectionString: db.databaseUrl, max: 4 });
    store = new PostgresEventStore({ pool, namespace: db.namespace });
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('off: stores the metadata exactly as given and makes no span', async () => {
    const exported = jest.spyOn(trace, 'getTracer');
    await store.append('car-off', [{ type: 'car.created', data: {}, metadata: { user: 'ann' } }, { type: 'car.repainted', data: {} }]);
    await store.transaction((session) => session.append('car-off', [{ type: 'car.sold', data: {} }]));
    expect(await metadataOf('car-off')).toEqual([{ user: 'ann' }, {}, {}]);
    expect(exported).not.toHaveBeenCalled();
    exported.mockRestore();
  });

  describe('on', () => {
    let tracing: InMemoryTracing;
    beforeEach(() => {
      tracing = startInMemoryTracing();
    });
    afterEach(() => tracing.stop());
    const spans = (name: string) => tracing.exporter.getFinishedSpans().filter((s) => s.name === name);

    it("writes the append's span into each new event's metadata, beside the writer's keys", async () => {
      await store.append('car-on', [{ type: 'car.created', data: {}, metadata: { user: 'ann', correlationId: 'order-7' } }, { type: 'car.repainted', data: {} }]);
      const [append] = spans('event-store append');
      const { traceId, spanId } = append.spanContext();
      expect(await metadataOf('car-on')).toEqual([
        { user: 'ann', correlationId: 'order-7', traceparent: `00-${traceId}-${spanId}-01` },
        { correlationId: traceId, traceparent: `00-${traceId}-${spanId}-01` },
      ]);
      expect(append.attributes).toMatchObject({ 'projectionist.stream_id': 'car-on', 'projectionist.event_count': 2 });
      // The notification that announces the append is its child.
      const notify = await waitFor('the notification span', () => spans('event-store notify')[0]);
      expect(notify.parentSpanContext?.spanId).toBe(spanId);
    });

    it('leaves events with a caller-chosen id as given, so a retry under another trace stays idempotent', async () => {
      const event = { id: randomUUID(), type: 'car.created', data: { color: 'red' }, metadata: { user: 'bob' } };
      expect((await store.append('car-named', [event])).idempotent).toBe(false);
      expect((await store.append('car-named', [event])).idempotent).toBe(true);
      expect(await metadataOf('car-named')).toEqual([{ user: 'bob' }]);
      expect(spans('event-store append')).toHaveLength(2);
    });

    it('traces appends inside a transaction too', async () => {
      await store.transaction((session) => session.append('car-tx', [{ type: 'car.created', data: {} }]));
      const [append] = spans('event-store append');
      expect((await metadataOf('car-tx'))[0].traceparent).toBe(`00-${append.spanContext().traceId}-${append.spanContext().spanId}-01`);
    });
  });
});
