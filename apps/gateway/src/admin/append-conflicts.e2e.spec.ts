import { randomUUID } from 'node:crypto';
import { createEventStorePool, PostgresEventStore } from '@projectionist/event-store';
import { startTestApp, TestApp, waitFor } from '@projectionist/testing';
import { Pool } from 'pg';
import request from 'supertest';
import { GatewayModule } from '../gateway.module';

describe('appending an event id that is already taken, over HTTP', () => {
  let t: TestApp;
  let pool: Pool;
  let http: ReturnType<typeof request>;
  const auth = { Authorization: 'Bearer tok' };

  beforeAll(async () => {
    t = await startTestApp('gateway', (config) => GatewayModule.forRoot(config), { ADMIN_TOKEN: 'tok' });
    pool = createEventStorePool({ connectionString: t.db.databaseUrl, max: 2 });
    http = request(t.app.getHttpServer());
  });
  afterAll(async () => {
    await pool.end();
    await t.close();
  });

  const append = (streamId: string, events: object[]) => http.post(`/api/streams/${streamId}/events`).set(auth).send({ events });

  it('answers 409 EVENT_CONTENT_CONFLICT to a retry with other content, and keeps the recorded event', async () => {
    const event = { id: randomUUID(), type: 'car.repainted', data: { color: 'blue' } };
    await append('car-retry', [event]).expect(201);
    const retry = await append('car-retry', [{ ...event, data: { color: 'green' } }]);
    expect(retry.status).toBe(409);
    expect(retry.body).toMatchObject({ statusCode: 409, error: 'EVENT_CONTENT_CONFLICT' });
    expect((await http.get('/api/streams/car-retry').set(auth).expect(200)).body).toEqual([expect.objectContaining({ data: { color: 'blue' } })]);
  });

  it('answers 409 DUPLICATE_EVENT_ID, not 500, when another stream commits the same new event id meanwhile', async () => {
    const store = new PostgresEventStore({ pool, namespace: t.db.namespace });
    const event = { id: randomUUID(), type: 'car.created', data: { by: 'ann', color: 'red' } };
    let appended = false;
    let commit!: () => void;
    const committing = new Promise<void>((resolve) => (commit = resolve));
    const first = store.transaction(async (session) => {
      await session.append('car-first', [event]);
      appended = true;
      await committing;
    });
    await waitFor('the first append to insert the event', () => appended);
    const second = append('car-second', [event]).then((response) => response);
    await waitFor('the request to wait for the first append', async () => {
      const { rows } = await pool.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1", [
        `%${t.db.namespace}%append_to_stream%`,
      ]);
      return rows[0].n === 1;
    });
    commit();
    await first;
    const response = await second;
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ statusCode: 409, error: 'DUPLICATE_EVENT_ID' });
    await http.get('/api/streams/car-second').set(auth).expect(404);
  });
});
