import { createEventStorePool, PostgresEventStore } from '@projectionist/event-store';
import { ProjectionDaemon } from '@projectionist/projection-daemon';
import { sampleProjections } from '@projectionist/projections';
import { Reactor, ReactorRunner } from '@projectionist/reactors';
import { startTestApp, TestApp } from '@projectionist/testing';
import { serveApiDocs } from '../docs/api-docs';
import { GatewayModule } from '../gateway.module';

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

export interface GatewayWithDaemon extends TestApp {
  /** Rows in a table of the namespace, to prove that nothing was written. */
  count(table: string): Promise<number>;
}

/**
 * A gateway with its API docs, and the worker's daemon in-process so that reads see the
 * projections; with `reactors`, the worker's reactors run in-process too.
 */
export async function startGatewayWithDaemon(env: Record<string, string> = {}, { reactors = [] }: { reactors?: readonly Reactor[] } = {}): Promise<GatewayWithDaemon> {
  const t = await startTestApp('gateway', (config) => GatewayModule.forRoot(config), env, serveApiDocs);
  const pool = createEventStorePool({ connectionString: t.db.databaseUrl, max: 6 });
  const store = new PostgresEventStore({ pool, namespace: t.db.namespace });
  const daemon = new ProjectionDaemon({ pool, store, namespace: t.db.namespace, nodeId: 'w', projections: sampleProjections, logger: silent, tuning: { pollIntervalMs: 20 } });
  const epochs = new Map<string, number>();
  for (const p of daemon.asyncProjections) epochs.set(p.name, await daemon.storage.fence.claim(p.name, 'w'));
  await daemon.start(epochs);
  const runner = new ReactorRunner({ reactors, store, pool, namespace: t.db.namespace, nodeId: 'w', logger: silent, pollIntervalMs: 20 });
  await runner.start();
  return {
    ...t,
    count: async (table) => Number((await pool.query(`SELECT count(*) FROM "${t.db.namespace}".${table}`)).rows[0].count),
    async close() {
      await runner.stop();
      await daemon.stop();
      await pool.end();
      await t.close();
    },
  };
}
