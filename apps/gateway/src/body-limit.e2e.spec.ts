import { startTestApp, TestApp } from '@projectionist/testing';
import request from 'supertest';
import { GatewayModule } from './gateway.module';

describe('the request body limit', () => {
  let t: TestApp;
  let http: ReturnType<typeof request>;
  const auth = { Authorization: 'Bearer tok' };

  beforeAll(async () => {
    t = await startTestApp('gateway', (config) => GatewayModule.forRoot(config), { ADMIN_TOKEN: 'tok' });
    http = request(t.app.getHttpServer());
  });
  afterAll(() => t.close());

  const count = async () => Number((await t.db.pool.query(`SELECT count(*) FROM "${t.db.namespace}".events`)).rows[0].count);

  it('accepts an event of 500 kB, under EVENT_MAX_PAYLOAD_BYTES', async () => {
    const blob = 'x'.repeat(500_000);
    const response = await http.post('/api/streams/doc-large/events').set(auth).send({ events: [{ type: 'doc.stored', data: { blob } }] });
    expect(response.status).toBe(201);
    const [stored] = (await http.get('/api/streams/doc-large').set(auth).expect(200)).body;
    expect(stored.data.blob).toHaveLength(500_000);
  });

  it('answers a body over the limit with 413 and the JSON error shape, and writes nothing', async () => {
    const before = await count();
    expect(t.config.httpMaxBodyBytes).toBeGreaterThanOrEqual(t.config.eventMaxPayloadBytes);
    const blob = 'x'.repeat(t.config.httpMaxBodyBytes + 1);
    const response = await http.post('/api/streams/doc-huge/events').set(auth).send({ events: [{ type: 'doc.stored', data: { blob } }] });
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ statusCode: 413, error: expect.any(String), message: expect.any(String) });
    expect(await count()).toBe(before);
  });
});
