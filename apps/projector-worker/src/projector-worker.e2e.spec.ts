import { startTestApp, TestApp, waitFor } from '@projectionist/testing';
import request from 'supertest';
import { ProjectorWorkerModule } from './projector-worker.module';

describe('projector-worker app', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('projector-worker', (config) => ProjectorWorkerModule.forRoot(config));
  });
  afterAll(() => t.close());

  it('migrates its namespace on start and reports healthy', async () => {
    const response = await request(t.app.getHttpServer()).get('/health').expect(200);
    expect(response.body).toMatchObject({ status: 'ok', checks: { postgres: { status: 'ok' } } });
    const { rows } = await t.db.pool.query(`SELECT name FROM "${t.db.namespace}".migrations`);
    expect(rows.map((r) => r.name)).toContain('CreateEventStore1732000000000');
  });

  it('runs the reactors once it holds their lock, and says so on GET /reactors', async () => {
    const body = await waitFor('the reactors active', async () => {
      const response = await request(t.app.getHttpServer()).get('/reactors').expect(200);
      return response.body.role === 'active' && response.body.reactors[0].state === 'running' ? response.body : undefined;
    });
    expect(body.reactors).toEqual([expect.objectContaining({ name: 'GroupCheckout', state: 'running', error: null })]);
  });
});
