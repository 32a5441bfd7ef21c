import { CustomProjection, singleStreamProjection } from '@projectionist/projections';
import { inSpan } from '@projectionist/tracing';
import { InMemoryTracing, startInMemoryTracing } from '@projectionist/tracing/testing';
import { createDaemonFixture, DaemonFixture } from '../testing/daemon-fixture';

/**
 * A projection batch is a span linked to the appends it applies, read from the events' metadata:
 * for document projections (applied before the commit) and for custom ones (inside it). It starts
 * a trace of its own whatever trace started the agent.
 */
describe('projection batch spans', () => {
  let f: DaemonFixture;
  let tracing: InMemoryTracing;
  beforeAll(async () => {
    f = await createDaemonFixture('batch_span');
  });
  afterAll(() => f.close());
  beforeEach(() => {
    tracing = startInMemoryTracing();
  });
  afterEach(() => tracing.stop());

  const documents = singleStreamProjection<{ count: number }>({
    name: 'TracedDocs',
    version: 1,
    eventTypes: ['traced-doc'],
    evolve: (doc) => ({ count: (doc?.count ?? 0) + 1 }),
  });
  const custom: CustomProjection = {
    kind: 'custom',
    name: 'TracedRows',
    version: 1,
    mode: 'async',
    eventTypes: ['traced-row'],
    createTable: (table) => `CREATE TABLE ${table} (position bigint PRIMARY KEY)`,
    handle: async (events, tx) => {
      for (const event of events) await tx.query(`INSERT INTO ${tx.table} (position) VALUES ($1)`, [event.position]);
    },
  };

  it.each([
    ['a document projection', documents, 'traced-doc'],
    ['a custom projection', custom, 'traced-row'],
  ] as const)('%s: links each batch to the appends of its events', async (_kind, projection, type) => {
    const daemon = f.daemon([projection], { pageSize: 50 });
    // Started while handling a message, as a rebuild restarts its projection: the agent must not stay in that trace.
    await inSpan('process StartRebuild', {}, async () =>
      daemon.start(new Map([[projection.name, await daemon.storage.fence.claim(projection.name, 'node-1')]])),
    );
    await f.store.append(`${type}-1`, [{ type, data: {} }, { type, data: {} }]);
    const last = await f.store.append(`${type}-2`, [{ type, data: {} }]);
    await daemon.waitForNonStale({ position: last.positions[0] });
    await daemon.stop();

    const spans = tracing.exporter.getFinishedSpans();
    const appends = spans.filter((s) => s.name === 'event-store append').map((s) => s.spanContext().spanId);
    const batches = spans.filter((s) => s.name === 'projection batch' && s.attributes['projectionist.projection'] === projection.name);
    expect(appends).toHaveLength(2);
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.map((b) => b.parentSpanContext)).toEqual(batches.map(() => undefined));
    const linked = batches.flatMap((b) => b.links.map((l) => l.context.spanId));
    // One link per append, though the first one wrote two events.
    expect([...linked].sort()).toEqual([...appends].sort());
    expect(batches.reduce((n, b) => n + Number(b.attributes['projectionist.event_count']), 0)).toBeGreaterThanOrEqual(3);
  });
});
