import { createEventStorePool, PostgresEventStore } from '@projectionist/event-store';
import { ProjectionDaemon } from '@projectionist/projection-daemon';
import { sampleProjections } from '@projectionist/projections';
import { startTestApp, TestApp } from '@projectionist/testing';
import { serveApiDocs } from '../docs/api-docs';
import { GatewayModule } from '../gateway.module';

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

export interface GatewayWithDaemon extends TestApp {
  /** Rows in a table of the namespace, to prove that nothing was written. */
  count(table: string): Promise<number>;
}

/** A gateway with its API docs, and the worker's daemon in-process so that reads see the projections. */
export async function startGatewayWithDaemon(env: Record<string, string> = {}): Promise<GatewayWithDaemon> {
  const t = await startTestApp('gateway', (config) => GatewayModule.forRoot(config), env, serveApiDocs);
  const pool = createEventStorePool({ connectionString: t.db.databaseUrl, max: 6 });
  const store = new PostgresEventStore({ pool, namespace: t.db.namespace });
  const daemon = new ProjectionDaemon({ pool, store, namespace: t.db.namespace, nodeId: 'w', projections: sampleProjections, logger: silent, tuning: { pollIntervalMs: 20 } });
  const epochs = new Map<string, number>();
  for (const p of daemon.asyncProjections) epochs.set(p.name, await daemon.storage.fence.claim(p.name, 'w'));
  await daemon.start(epochs);
  return {
    ...t,
    count: async (table) => Number((await pool.query(`SELECT count(*) FROM "${t.db.namespace}".${table}`)).rows[0].count),
    async close() {
      await daemon.stop();
      await pool.end();
      await t.close();
    },
  };
}
