import { RebuildRunStore } from '@projectionist/rebuild-coordinator';
import { RebuildBoard } from '@projectionist/shared-cache';
import { startTestApp, TestApp, waitFor } from '@projectionist/testing';
import request from 'supertest';
import { GatewayModule } from '../gateway.module';

describe('write-guard', () => {
  let t: TestApp;
  let http: ReturnType<typeof request>;
  let runs: RebuildRunStore;
  let coordinatorBoard: RebuildBoard;

  beforeAll(async () => {
    t = await startTestApp('gateway', (config) => GatewayModule.forRoot(config), { ADMIN_TOKEN: 'tok' });
    http = request(t.app.getHttpServer());
    runs = new RebuildRunStore(t.db.pool, t.db.namespace);
    // Plays the coordinator: records runs and shares them.
    coordinatorBoard = new RebuildBoard({ redisUrl: t.config.redisUrl, namespace: t.db.namespace, fallback: () => runs.active() });
    await coordinatorBoard.start();
  });
  afterAll(async () => {
    await coordinatorBoard.close();
    await t.close();
  });

  it('holds writes with 503 and Retry-After while a blocking rebuild runs, keeps reads and admin writes going, and lets writes through after', async () => {
    await http.post('/api/customers').send({ id: 'ann', name: 'Ann' }).expect(201);
    await runs.request({ kind: 'Request', id: 'run-1', projection: 'CarView', mode: 'blocking' });
    await coordinatorBoard.publish(await runs.active());

    const held = await waitFor('writes held', async () => {
      const response = await http.post('/api/customers').send({ id: 'bob', name: 'Bob' });
      return response.status === 503 ? response : undefined;
    });
    expect(held.headers['retry-after']).toBe('5');
    expect(held.body).toMatchObject({ error: 'WRITES_HELD', projection: 'CarView', rebuildId: 'run-1', phase: 'Stopping' });
    // Reads go on (no worker runs here, so the read model answers that it is not ready yet).
    expect((await http.get('/api/customers/ann')).body).toMatchObject({ error: 'PROJECTION_NOT_READY' });
    await http.get('/api/streams/customer-ann').set('Authorization', 'Bearer tok').expect(200);
    await http
      .post('/api/streams/customer-carol/events')
      .set('Authorization', 'Bearer tok')
      .send({ events: [{ type: 'customer.created', data: { name: 'Carol' } }] })
      .expect(201);
    expect((await runs.get('run-1'))?.phase).toBe('Stopping');

    await runs.apply('run-1', { kind: 'Cancel' });
    await coordinatorBoard.publish(await runs.active());
    await waitFor('writes accepted again', async () => (await http.post('/api/customers').send({ id: 'bob', name: 'Bob' })).status === 201);
  });
});
