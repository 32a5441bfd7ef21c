import { DynamicModule, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@projectionist/config';
import { createSampleRegistry } from '@projectionist/domain-events';
import { EVENT_STORE_POOL, EventStoreModule } from '@projectionist/event-store';
import { HealthModule, postgresHealthCheck } from '@projectionist/observability';
import { PROJECTION_DAEMON_MIGRATIONS } from '@projectionist/projection-daemon';
import { CreateRebuildRuns1732000000002 } from '@projectionist/rebuild-coordinator';
import { CreateClusterNodes1732000000003 } from '@projectionist/cluster-nodes';
import type { Pool } from 'pg';

/**
 * What every app shares: its configuration (APP_CONFIG), the event store on PostgreSQL with the
 * sample domains' schemas and upcasters, and GET /health.
 */
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig): DynamicModule {
    const registry = createSampleRegistry();
    return {
      module: CoreModule,
      global: true,
      imports: [
        EventStoreModule.forRootAsync({
          useFactory: () => ({
            databaseUrl: config.databaseUrl,
            namespace: config.namespace,
            migrateOnStart: config.migrateOnStart,
            applicationName: `${config.namespace}:${config.nodeId}`,
            limits: { maxEventBytes: config.eventMaxPayloadBytes },
            validator: registry,
            upcaster: registry,
            extraMigrations: [...PROJECTION_DAEMON_MIGRATIONS, CreateRebuildRuns1732000000002, CreateClusterNodes1732000000003],
          }),
        }),
        HealthModule.register({ inject: [EVENT_STORE_POOL], useFactory: (pool: Pool) => [postgresHealthCheck(pool)] }),
      ],
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
