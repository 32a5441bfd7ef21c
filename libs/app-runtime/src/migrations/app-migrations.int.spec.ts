import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@projectionist/config';
import { createTestNamespace, runDbMigrate, TestNamespace } from '@projectionist/testing';
import { CoreModule } from '../core.module';

/** The tables of a namespace, with the migrations recorded in it. */
async function schemaOf(db: TestNamespace): Promise<{ tables: string[]; migrations: string[] }> {
  const tables = await db.pool.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`, [db.namespace]);
  const migrations = await db.pool.query(`SELECT name FROM "${db.namespace}".migrations ORDER BY name`);
  return { tables: tables.rows.map((r) => r.table_name), migrations: migrations.rows.map((r) => r.name) };
}

/** `MIGRATE_ON_START=false` plus `npm run db:migrate` must leave the schema an app would have made itself. */
describe('npm run db:migrate', () => {
  let byScript: TestNamespace;
  let byApp: TestNamespace;
  beforeAll(async () => {
    byScript = await createTestNamespace('db_migrate', 2);
    byApp = await createTestNamespace('app_migrate', 2);
  });
  afterAll(async () => {
    await byScript.drop();
    await byApp.drop();
  });

  it('creates every table an app creates when it migrates on start', async () => {
    await runDbMigrate({ NAMESPACE: byScript.namespace, DATABASE_URL: byScript.databaseUrl });
    const config = loadConfig('coordinator', { NAMESPACE: byApp.namespace, DATABASE_URL: byApp.databaseUrl, MIGRATE_ON_START: 'true' });
    const app = await NestFactory.create(CoreModule.forRoot(config), { logger: false });
    await app.init();
    await app.close();

    const expected = await schemaOf(byApp);
    expect(expected.tables).toContain('cluster_nodes');
    expect(await schemaOf(byScript)).toEqual(expected);
  }, 60_000);
});
