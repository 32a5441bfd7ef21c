import { createSampleRegistry } from '@projectionist/domain-events';
import { createEventStorePool, PostgresEventStore, runMigrations } from '@projectionist/event-store';
import { createTestNamespace } from '@projectionist/testing';
import { describeGroupCheckoutScenarios } from './group-checkout.scenarios';

describeGroupCheckoutScenarios('PostgreSQL', async () => {
  const db = await createTestNamespace('group_checkout');
  await runMigrations({ databaseUrl: db.databaseUrl, namespace: db.namespace });
  const pool = createEventStorePool({ connectionString: db.databaseUrl, max: 12 });
  const store = new PostgresEventStore({ pool, namespace: db.namespace, validator: createSampleRegistry() });
  return {
    store,
    async close() {
      await pool.end();
      await db.drop();
    },
  };
});
