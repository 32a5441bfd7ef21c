import { DynamicModule, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@projectionist/config';
import { createSampleRegistry } from '@projectionist/domain-events';
import { EVENT_STORE_POOL, EventStoreModule } from '@projectionist/event-store';
import { HealthModule, ObservabilityModule, postgresHealthCheck, ReadinessOptions } from '@projectionist/observability';
import type { Pool } from 'pg';
import { APP_MIGRATIONS } from './migrations/app-migrations';

export interface CoreOptions {
  /** Bounds every statement on the shared pool (the gateway's request path); default: unbounded. */
  readonly statementTimeoutMs?: number;
  /** Connections the pool keeps open while idle (see EventStoreModuleOptions.poolMin); default 0. */
  readonly poolMin?: number;
  /** What else GET /health/ready checks for this app (its broker, shared state, daemon), beside PostgreSQL. */
  readonly readiness?: ReadinessOptions;
}

/**
 * What every app shares: its configuration (APP_CONFIG), the event store on PostgreSQL with the
 * sample domains' schemas and upcasters, GET /health, /health/live and /health/ready, GET /metrics,
 * and the request id, access log and duration histogram of every HTTP request.
 */
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, options: CoreOptions = {}): DynamicModule {
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
            statementTimeoutMs: options.statementTimeoutMs,
            keepAlive: config.databaseKeepAlive,
            poolSize: config.databasePoolMax,
            // Never more kept open than the pool may hold.
            poolMin: options.poolMin === undefined ? undefined : Math.min(options.poolMin, config.databasePoolMax),
            limits: { maxEventBytes: config.eventMaxPayloadBytes },
            validator: registry,
            upcaster: registry,
            extraMigrations: APP_MIGRATIONS,
          }),
        }),
        ObservabilityModule.forRoot(),
        HealthModule.register({ inject: [EVENT_STORE_POOL], useFactory: (pool: Pool) => [postgresHealthCheck(pool)], readiness: options.readiness }),
      ],
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
