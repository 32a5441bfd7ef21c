import { startTestApp, TestApp } from '@projectionist/testing';
import request from 'supertest';
import { CoordinatorModule } from './coordinator.module';

describe('coordinator app', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('coordinator', (config) => CoordinatorModule.forRoot(config));
  });
  afterAll(() => t.close());

  it('migrates its namespace on start and reports healthy', async () => {
    const response = await request(t.app.getHttpServer()).get('/health').expect(200);
    expect(response.body).toMatchObject({ status: 'ok', checks: { postgres: { status: 'ok' } } });
    const { rows } = await t.db.pool.query(`SELECT name FROM "${t.db.namespace}".migrations`);
    expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining(['CreateEventStore1732000000000', 'CreateRebuildStateVersion1732000000003']));
  });
});
