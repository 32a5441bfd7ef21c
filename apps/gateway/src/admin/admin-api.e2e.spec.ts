import { RebuildRunStore } from '@projectionist/rebuild-coordinator';
import { startTestApp, TestApp } from '@projectionist/testing';
import request from 'supertest';
import { GatewayModule } from '../gateway.module';

describe('gateway admin API', () => {
  let t: TestApp;
  let http: ReturnType<typeof request>;
  const auth = { Authorization: 'Bearer s3cret' };

  beforeAll(async () => {
    t = await startTestApp('gateway', (config) => GatewayModule.forRoot(config), { ADMIN_TOKEN: 's3cret' });
    http = request(t.app.getHttpServer());
  });
  afterAll(() => t.close());

  const count = async () => Number((await t.db.pool.query(`SELECT count(*) FROM "${t.db.namespace}".events`)).rows[0].count);

  it.each([undefined, 'Bearer wrong', 's3cret'])('refuses authorization %s with 401', async (header) => {
    const req = http.get('/api/streams/car-1');
    const response = await (header ? req.set('Authorization', header) : req);
    expect(response.status).toBe(401);
  });

  it('appends raw events with an expected version and reads them back', async () => {
    const first = await http
      .post('/api/streams/car-raw/events')
      .set(auth)
      .send({ expectedVersion: 'no_stream', events: [{ type: 'car.created', data: { by: 'ann', color: 'red' } }] })
      .expect(201);
    expect(first.body).toMatchObject({ streamId: 'car-raw', version: 1, idempotent: false });
    const conflict = await http
      .post('/api/streams/car-raw/events')
      .set(auth)
      .send({ expectedVersion: 0, events: [{ type: 'car.repainted', data: { color: 'blue' } }] })
      .expect(409);
    expect(conflict.body).toMatchObject({ error: 'STREAM_VERSION_CONFLICT', actualVersion: 1 });
    const stream = await http.get('/api/streams/car-raw').set(auth).expect(200);
    expect(stream.body).toEqual([expect.objectContaining({ streamId: 'car-raw', streamVersion: 1, type: 'car.created' })]);
  });

  it.each<[string, object, string]>([
    ['no events', { events: [] }, 'events'],
    ['a bad expected version', { expectedVersion: -1, events: [{ type: 't', data: {} }] }, 'expectedVersion'],
    ['a known type with a bad payload', { events: [{ type: 'car.created', data: { by: 'ann' } }] }, 'events[0].data.color'],
    ['a non-UUID id', { events: [{ id: 'x', type: 't', data: {} }] }, 'events.0.id'],
  ])('answers %s with 400 naming the field, writing nothing', async (_, body, field) => {
    const before = await count();
    const response = await http.post('/api/streams/car-bad/events').set(auth).send(body).expect(400);
    expect(JSON.stringify(response.body)).toContain(field);
    expect(await count()).toBe(before);
  });

  it('answers an unknown stream with 404 and lists projections', async () => {
    await http.get('/api/streams/car-none').set(auth).expect(404);
    const projections = await http.get('/api/admin/projections').set(auth).expect(200);
    expect(Array.isArray(projections.body)).toBe(true);
  });

  it('records a rebuild request (202) with its mode, refuses a second one with the running id (409), and knows its runs', async () => {
    await http.post('/api/admin/projections/CarView/rebuilds').set(auth).send({ mode: 'blocking' }).expect(404);
    // A worker registers its projections' checkpoints when it starts; here by hand.
    await t.db.pool.query(`INSERT INTO "${t.db.namespace}".projection_checkpoints (projection, version, slot) VALUES ('CarView', 1, 'live')`);
    const first = await http.post('/api/admin/projections/CarView/rebuilds').set(auth).send({ mode: 'blocking' }).expect(202);
    const second = await http.post('/api/admin/projections/CarView/rebuilds').set(auth).send({}).expect(409);
    expect(second.body).toMatchObject({ error: 'REBUILD_ALREADY_RUNNING', rebuildId: first.body.rebuildId });
    const run = await http.get(`/api/admin/rebuilds/${first.body.rebuildId}`).set(auth).expect(200);
    // No coordinator runs here: the run waits, Requested, for it to take over.
    expect(run.body).toMatchObject({ projection: 'CarView', mode: 'blocking', phase: 'Requested', history: [{ phase: 'Requested' }] });
    expect((await http.get('/api/admin/rebuilds').set(auth).expect(200)).body).toHaveLength(1);
    const unsupported = await http.post('/api/admin/projections/CarView/rebuilds').set(auth).send({ mode: 'sideways' }).expect(400);
    expect(unsupported.body).toMatchObject({ error: 'VALIDATION_FAILED', issues: [expect.objectContaining({ path: 'mode' })] });
    for (const body of [{ mode: 'blocking', partitions: 2 }, { mode: 'online', partitions: 0 }, { mode: 'online', partitions: 2.5 }, { mode: 'online', partitions: 99 }]) {
      const refused = await http.post('/api/admin/projections/CarView/rebuilds').set(auth).send(body).expect(400);
      expect(refused.body).toMatchObject({ error: 'VALIDATION_FAILED', issues: [expect.objectContaining({ path: 'partitions' })] });
    }
    await t.db.pool.query(`INSERT INTO "${t.db.namespace}".projection_checkpoints (projection, version, slot) VALUES ('ActiveProject', 1, 'live')`);
    const online = await http.post('/api/admin/projections/ActiveProject/rebuilds').set(auth).send({ mode: 'online' }).expect(202);
    const onlineRun = await http.get(`/api/admin/rebuilds/${online.body.rebuildId}`).set(auth).expect(200);
    expect(onlineRun.body).toMatchObject({ projection: 'ActiveProject', mode: 'online', phase: 'Requested' });
    await http.delete(`/api/admin/rebuilds/${online.body.rebuildId}`).set(auth).expect(202);
    await http.get('/api/admin/rebuilds/not-a-uuid').set(auth).expect(400);
    await http.get('/api/admin/rebuilds/00000000-0000-4000-8000-000000000000').set(auth).expect(404);
    await http.delete(`/api/admin/rebuilds/${first.body.rebuildId}`).set(auth).expect(202);
  });

  it('lists the nodes of the deployment, this gateway among them, up', async () => {
    await http.get('/api/admin/nodes').expect(401);
    const nodes = await http.get('/api/admin/nodes').set(auth).expect(200);
    expect(nodes.body).toContainEqual(
      expect.objectContaining({ nodeId: t.config.nodeId, app: 'gateway', role: 'gateway', status: 'up', pid: process.pid }),
    );
  });

  it('streams the whole state first, then each change, as server-sent events', async () => {
    expect((await fetch(`${await t.app.getUrl()}/api/admin/stream`)).status).toBe(401);
    const abort = new AbortController();
    const response = await fetch(`${await t.app.getUrl()}/api/admin/stream`, { headers: auth, signal: abort.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let received = '';
    const until = async (pattern: RegExp) => {
      const deadline = Date.now() + 5000;
      while (!pattern.test(received)) {
        if (Date.now() > deadline) throw new Error(`no ${pattern} in the stream: ${received}`);
        const { value, done } = await reader.read();
        if (done) throw new Error('the stream ended');
        received += value;
      }
    };
    try {
      await until(/event: node\ndata: \{[^\n]*"app":"gateway"/);
      await t.db.pool.query(`INSERT INTO "${t.db.namespace}".projection_checkpoints (projection, version, slot) VALUES ('CustomerView', 1, 'live')`);
      await until(/event: projection\ndata: \{"name":"CustomerView"/);
      const requested = await http.post('/api/admin/projections/CustomerView/rebuilds').set(auth).send({}).expect(202);
      await until(new RegExp(`event: rebuild\\ndata: \\{[^\\n]*"id":"${requested.body.rebuildId}"`));
      // No coordinator runs here: cancel the run in the store, as it would.
      await new RebuildRunStore(t.db.pool, t.db.namespace).apply(requested.body.rebuildId, { kind: 'Cancel' });
      await until(new RegExp(`event: rebuild\\ndata: \\{[^\\n]*"id":"${requested.body.rebuildId}"[^\\n]*"phase":"Cancelled"`));
    } finally {
      abort.abort();
    }
  });

  it('lists the reactors with their state, lag and dead letters, behind the token', async () => {
    await http.get('/api/admin/reactors').expect(401);
    await http
      .post('/api/streams/group_checkout-admin/events')
      .set(auth)
      .send({ events: [{ type: 'StaysSelected', data: { stayIds: ['s-1'] } }] })
      .expect(201);
    const reactors = await http.get('/api/admin/reactors').set(auth).expect(200);
    // No worker runs here: the selection waits for the reactor.
    expect(reactors.body).toEqual([
      expect.objectContaining({ name: 'GroupCheckout', categories: ['group_checkout'], state: 'not-started', node: null, position: 0, lagEvents: 1, deadLetters: 0 }),
    ]);
    expect((await http.get('/api/admin/reactors/GroupCheckout/dead-letters').set(auth).expect(200)).body).toEqual([]);
    await http.get('/api/admin/reactors/Nope/dead-letters').set(auth).expect(404);
  });
});
