import { quoteIdentifier } from '@projectionist/event-store';
import { waitFor } from '@projectionist/testing';
import { adminApi, clusterOnOwnVhost } from './support/admin-api';
import { OtlpReceiver, ReceivedSpan } from './support/otlp-receiver';

const TOKEN = 'e2e-token';
const SERVER = 2;
const CONSUMER = 5;

/**
 * Traces across real processes into an OTLP receiver in the test: a write through the gateway
 * is followed from its HTTP request through the append to the worker's projection batch that
 * applied it (linked through the event's metadata), and a rebuild request through RabbitMQ to
 * the coordinator and on to the worker that runs it.
 */
describe('tracing across processes', () => {
  const receiver = {} as { otlp: OtlpReceiver };
  beforeAll(async () => {
    receiver.otlp = await OtlpReceiver.start();
  });
  afterAll(() => receiver.otlp.close());
  const bed = clusterOnOwnVhost('tracing', {
    ADMIN_TOKEN: TOKEN,
    // Read when the apps start, after beforeAll has set the receiver up.
    get OTEL_EXPORTER_OTLP_ENDPOINT() {
      return receiver.otlp.url;
    },
    OTEL_BSP_SCHEDULE_DELAY: '100',
  });
  const { post } = adminApi(TOKEN);
  const spans = () => receiver.otlp.spans;

  it('links a write from its HTTP request through the append to the projection batch, and follows a rebuild request into the worker', async () => {
    const gateway = await bed.cluster.addApp('gateway', 'gw');
    await bed.cluster.addApp('coordinator', 'co');
    await bed.cluster.addWorker('wk');
    await waitFor('an active worker', () => bed.cluster.activeWorker(), { timeoutMs: 30_000 });

    expect((await post(gateway, '/api/customers', { id: 'ann', name: 'Ann' })).status).toBe(201);
    const append = await waitFor('the append span', () => spans().find((s) => s.name === 'event-store append' && s.attributes['projectionist.stream_id'] === 'customer-ann'), { timeoutMs: 30_000 });
    expect(append.service).toBe('gateway');

    // The append is a descendant of the gateway's HTTP server span, in one trace.
    const request = await waitFor('the HTTP span above the append', () => receiver.otlp.ancestry(append).find((s) => s.kind === SERVER), { timeoutMs: 10_000 });
    expect(request).toMatchObject({ service: 'gateway', traceId: append.traceId });
    expect(request.name).toMatch(/^POST/);
    const notify = await waitFor('the notification span', () => spans().find((s) => s.name === 'event-store notify' && s.parentSpanId === append.spanId), { timeoutMs: 10_000 });
    expect(notify.traceId).toBe(append.traceId);

    // The event carries the append's span in its metadata, and the worker's batch links to it.
    const { rows } = await bed.cluster.pool.query(`SELECT metadata FROM ${quoteIdentifier(bed.cluster.db.namespace)}.events WHERE stream_id = 'customer-ann'`);
    expect(rows[0].metadata).toMatchObject({ traceparent: `00-${append.traceId}-${append.spanId}-01`, correlationId: append.traceId });
    const linksToAppend = (s: ReceivedSpan) => s.links.some((l) => l.traceId === append.traceId && l.spanId === append.spanId);
    const isCustomerViewBatch = (s: ReceivedSpan) => s.name === 'projection batch' && s.attributes['projectionist.projection'] === 'CustomerView';
    const batch = await waitFor('the CustomerView batch linked to the append', () => spans().find((s) => isCustomerViewBatch(s) && linksToAppend(s)), { timeoutMs: 30_000 });
    expect(batch).toMatchObject({ service: 'projector-worker', kind: CONSUMER });

    // A rebuild request: the gateway's span continues in the coordinator and then in the worker, one trace.
    const response = await post(gateway, '/api/admin/projections/CustomerView/rebuilds', { mode: 'blocking' });
    expect(response.status).toBe(202);
    const requested = await waitFor('the coordinator handling RequestRebuild', () => spans().find((s) => s.name === 'process RequestRebuild'), { timeoutMs: 30_000 });
    expect(requested.service).toBe('coordinator');
    const rebuildRequest = await waitFor('the HTTP span above it', () => receiver.otlp.ancestry(requested).find((s) => s.kind === SERVER), { timeoutMs: 10_000 });
    expect(rebuildRequest.service).toBe('gateway');
    expect(rebuildRequest.name).toMatch(/^POST/);
    const started = await waitFor('the worker handling StartRebuild in the same trace', () => spans().find((s) => s.name === 'process StartRebuild' && s.traceId === requested.traceId), { timeoutMs: 30_000 });
    expect(started.service).toBe('projector-worker');
    const path = await waitFor('the whole path from the worker back to the request', () => {
      const ancestry = receiver.otlp.ancestry(started);
      return ancestry[ancestry.length - 1].spanId === rebuildRequest.spanId ? ancestry : undefined;
    }, { timeoutMs: 10_000 });
    expect(path.map((s) => `${s.service}: ${s.name}`)).toEqual(expect.arrayContaining(['coordinator: publish StartRebuild', 'gateway: publish RequestRebuild']));
    expect(receiver.otlp.rejected).toEqual([]);
    console.log(`write: ${receiver.otlp.ancestry(append).map((s) => `${s.service}: ${s.name}`).join(' < ')}; linked from the ${batch.attributes['projectionist.projection']} batch`);
    console.log(`rebuild: ${path.map((s) => `${s.service}: ${s.name}`).join(' < ')}`);
  });
});
