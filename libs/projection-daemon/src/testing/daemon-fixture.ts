import { createEventStorePool, PostgresEventStore, runMigrations } from '@projectionist/event-store';
import { Projection } from '@projectionist/projections';
import { createTestNamespace, TestNamespace } from '@projectionist/testing';
import { Pool } from 'pg';
import { AgentLogger } from '../agent/projection-agent';
import { DaemonTuning, ProjectionDaemonOptions } from '../daemon/daemon-options';
import { ProjectionDaemon } from '../daemon/projection-daemon';
import { PROJECTION_DAEMON_MIGRATIONS } from '../migrations';

export interface DaemonFixture {
  readonly db: TestNamespace;
  readonly pool: Pool;
  readonly store: PostgresEventStore;
  readonly logs: string[];
  readonly logger: AgentLogger;
  daemon(projections: readonly Projection[], tuning?: Partial<DaemonTuning>, nodeId?: string, options?: Pick<ProjectionDaemonOptions, 'leases'>): ProjectionDaemon;
  close(): Promise<void>;
}

/** A migrated namespace, a store and a logger that records, for daemon integration tests. */
export async function createDaemonFixture(label: string): Promise<DaemonFixture> {
  const db = await createTestNamespace(label);
  await runMigrations({ databaseUrl: db.databaseUrl, namespace: db.namespace, extraMigrations: PROJECTION_DAEMON_MIGRATIONS });
  const pool = createEventStorePool({ connectionString: db.databaseUrl, max: 10 });
  const store = new PostgresEventStore({ pool, namespace: db.namespace });
  const logs: string[] = [];
  const record = (level: string) => (message: unknown, context?: string) =>
    logs.push(`${level} ${context ?? ''} ${message instanceof Error ? message.message : JSON.stringify(message)}`);
  const logger = { log: record('info'), warn: record('warn'), error: record('error') };
  const daemons: ProjectionDaemon[] = [];
  return {
    db,
    pool,
    store,
    logs,
    logger,
    daemon(projections, tuning = {}, nodeId = 'node-1', options = {}) {
      const daemon = new ProjectionDaemon({ pool, store, namespace: db.namespace, nodeId, projections, logger, tuning: { pollIntervalMs: 100, ...tuning }, ...options });
      daemons.push(daemon);
      return daemon;
    },
    async close() {
      for (const daemon of daemons) await daemon.stop();
      await pool.end();
      await db.drop();
    },
  };
}
