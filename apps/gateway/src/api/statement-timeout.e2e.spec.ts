import { createEventStorePool, PostgresEventStore } from '@projectionist/event-store';
import { startTestApp, TestApp, waitFor } from '@projectionist/testing';
import { Pool } from 'pg';
import request from 'supertest';
import { GatewayModule } from '../gateway.module';

describe('a gateway statement held behind a lock', () => {
  let t: TestApp;
  let pool: Pool;
  const auth = { Authorization: 'Bearer tok' };

  beforeAll(async () => {
    t = await startTestApp('gateway', (config) => GatewayModule.forRoot(config), { ADMIN_TOKEN: 'tok', DATABASE_STATEMENT_TIMEOUT_MS: '500' });
    pool = createEventStorePool({ connectionString: t.db.databaseUrl, max: 2 });
  });
  afterAll(async () => {
    await pool.end();
    await t.close();
  });

  it('ends with 503 DATABASE_TIMEOUT and Retry-After instead of holding its connection', async () => {
    const store = new PostgresEventStore({ pool, namespace: t.db.namespace });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding = false;
    // Another writer's transaction holds the stream's lock until the request has been answered.
    const holder = store
      .transaction(async (session) => {
        await session.append('car-held', [{ type: 'car.created', data: { by: 'ann', color: 'red' } }]);
        holding = true;
        await released;
        throw new Error('rolled back on purpose');
      })
      .catch(() => undefined);
    await waitFor('the other writer to hold the stream', () => holding);

    const response = await Promise.resolve(
      request(t.app.getHttpServer())
        .post('/api/streams/car-held/events')
        .set(auth)
        .send({ events: [{ type: 'car.repainted', data: { color: 'blue' } }] }),
    ).finally(async () => {
      release();
      await holder;
    });

    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBeDefined();
    expect(response.body).toMatchObject({ statusCode: 503, error: 'DATABASE_TIMEOUT' });
    const { rows } = await t.db.pool.query(`SELECT count(*)::int AS n FROM "${t.db.namespace}".events`);
    expect(rows[0].n).toBe(0);
  }, 15_000);
});
