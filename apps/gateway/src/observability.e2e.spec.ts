import { startTestApp, TestApp, waitFor } from '@projectionist/testing';
import request from 'supertest';
import { GatewayModule } from './gateway.module';

/** GET /metrics, /health/live and /health/ready of the gateway, and the request id of every answer. */
describe('gateway observability', () => {
  let t: TestApp;
  const metric = async (pattern: RegExp) => {
    const text = (await request(t.app.getHttpServer()).get('/metrics').expect(200)).text;
    return Number(pattern.exec(text)?.[1] ?? 0);
  };
  beforeAll(async () => {
    t = await startTestApp('gateway', (config) => GatewayModule.forRoot(config));
  });
  afterAll(() => t.close());

  it('serves process metrics, the request histogram by route pattern, and counts appends and rejected commands', async () => {
    const server = t.app.getHttpServer();
    const appendedBefore = await metric(/^projectionist_events_appended_total (\d+)$/m);
    await request(server).post('/api/projects').send({ id: 'metrics-1', name: 'M', organization: 'acme' }).expect(201);
    await request(server).post('/api/projects').send({ id: 'metrics-1', name: 'M', organization: 'acme' }).expect(409);
    await request(server).get('/api/projects/metrics-1'); // without a worker the read model may not answer: any status will do
    await request(server).get('/nothing/here/42').expect(404);
    const text = (await request(server).get('/metrics').expect('Content-Type', /text\/plain/).expect(200)).text;
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(text).toMatch(/^projectionist_http_request_duration_seconds_bucket\{le="0.1",method="POST",route="\/api\/projects",status_code="201"\} 1$/m);
    expect(text).toMatch(/^projectionist_http_request_duration_seconds_count\{method="GET",route="\/api\/projects\/:id",status_code="\d+"\} 1$/m);
    expect(text).toMatch(/^projectionist_http_request_duration_seconds_count\{method="GET",route="\(unmatched\)",status_code="404"\} 1$/m);
    expect(text).not.toContain('metrics-1');
    expect(text).not.toContain('/nothing/here');
    expect(await metric(/^projectionist_events_appended_total (\d+)$/m)).toBe(appendedBefore + 1);
    expect(await metric(/^projectionist_commands_rejected_total\{reason="ALREADY_EXISTS"\} (\d+)$/m)).toBe(1);
  });

  it('answers liveness without checks, and readiness with PostgreSQL, RabbitMQ and Redis', async () => {
    const server = t.app.getHttpServer();
    expect((await request(server).get('/health/live').expect(200)).body).toEqual({ status: 'ok', uptimeSeconds: expect.any(Number) });
    // Redis connects in the background after the start.
    await waitFor('gateway ready', async () => (await request(server).get('/health/ready')).body.status === 'ok', { timeoutMs: 10_000 });
    const ready = await request(server).get('/health/ready').expect(200);
    expect(ready.body.checks).toEqual({
      postgres: expect.objectContaining({ status: 'ok', required: true }),
      rabbitmq: expect.objectContaining({ status: 'ok', required: false }),
      redis: expect.objectContaining({ status: 'ok', required: false }),
    });
    expect(Object.keys((await request(server).get('/health').expect(200)).body.checks)).toEqual(['postgres']);
  });

  it('returns the caller\'s X-Request-Id, or one of its own', async () => {
    const server = t.app.getHttpServer();
    expect((await request(server).get('/health/live').set('X-Request-Id', 'req-42')).headers['x-request-id']).toBe('req-42');
    const made = (await request(server).post('/api/projects').send({})).headers['x-request-id'];
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
  });
});
