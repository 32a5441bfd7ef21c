import { createTestNamespace, runDbMigrate, startTestApp, TestApp, TestNamespace } from '@projectionist/testing';
import request from 'supertest';
import { ProjectorWorkerModule } from './projector-worker.module';

/** The documented path for operators who migrate before they deploy. */
describe('projector-worker on a schema migrated by npm run db:migrate', () => {
  let migrated: TestNamespace;
  let t: TestApp | undefined;
  beforeAll(async () => {
    migrated = await createTestNamespace('migrated', 2);
    await runDbMigrate({ NAMESPACE: migrated.namespace, DATABASE_URL: migrated.databaseUrl });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await migrated.drop();
  });

  it('starts with MIGRATE_ON_START=false and reports healthy', async () => {
    t = await startTestApp('projector-worker', (config) => ProjectorWorkerModule.forRoot(config), { NAMESPACE: migrated.namespace, MIGRATE_ON_START: 'false' });
    await request(t.app.getHttpServer()).get('/health').expect(200);
  });
});
