import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { AppendLimits, EventSchemaValidator } from '../append/append-request';
import { runMigrations, RunMigrationsOptions } from '../migrations/run-migrations';
import { EventUpcaster } from '../postgres/event-row';
import { ConnectionKeepAlive } from '../postgres/connection-keepalive';
import { createEventStorePool } from '../postgres/event-store-pool';
import { PostgresEventStore } from '../postgres/postgres-event-store';

export const EVENT_STORE = Symbol('EVENT_STORE');
export const EVENT_STORE_POOL = Symbol('EVENT_STORE_POOL');
const OPTIONS = Symbol('EVENT_STORE_OPTIONS');

export interface EventStoreModuleOptions {
  readonly databaseUrl: string;
  readonly namespace: string;
  readonly migrateOnStart: boolean;
  readonly applicationName: string;
  readonly poolSize?: number;
  /** Connections the pool keeps open however long they idle (default 0): an app that must act at once (a standby worker taking over) opens them ahead. */
  readonly poolMin?: number;
  /** PostgreSQL `statement_timeout` of the pool's connections; unset: statements may run as long as they take. */
  readonly statementTimeoutMs?: number;
  /** TCP keepalive of the pool's connections (createEventStorePool); unset: the OS defaults. */
  readonly keepAlive?: ConnectionKeepAlive;
  readonly limits?: Partial<AppendLimits>;
  readonly validator?: EventSchemaValidator;
  readonly upcaster?: EventUpcaster;
  /** Migrations of other libs (e.g. the projection daemon's tables), run after the store's own. */
  readonly extraMigrations?: RunMigrationsOptions['extraMigrations'];
}

@Injectable()
class PoolCloser implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE_POOL) private readonly pool: Pool) {}
  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

/** Provides EVENT_STORE (a PostgresEventStore) and its pool; runs migrations first when asked to. */
@Module({})
export class EventStoreModule {
  static forRootAsync(options: {
    imports?: DynamicModule['imports'];
    inject?: unknown[];
    useFactory: (...args: never[]) => EventStoreModuleOptions | Promise<EventStoreModuleOptions>;
  }): DynamicModule {
    return {
      module: EventStoreModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        { provide: OPTIONS, inject: (options.inject ?? []) as never[], useFactory: options.useFactory },
        {
          provide: EVENT_STORE_POOL,
          inject: [OPTIONS],
          useFactory: async (o: EventStoreModuleOptions) => {
            if (o.migrateOnStart) await runMigrations({ databaseUrl: o.databaseUrl, namespace: o.namespace, extraMigrations: o.extraMigrations });
            const pool = createEventStorePool({
              connectionString: o.databaseUrl,
              max: o.poolSize ?? 10,
              min: o.poolMin ?? 0,
              application_name: o.applicationName,
              statement_timeout: o.statementTimeoutMs,
              keepAlive: o.keepAlive,
            });
            // An idle client's error (e.g. the server restarted) must not crash the process; the pool replaces it.
            pool.on('error', (error) => new Logger('EventStore').warn(`idle database connection failed: ${error.message}`));
            return pool;
          },
        },
        {
          provide: EVENT_STORE,
          inject: [EVENT_STORE_POOL, OPTIONS],
          useFactory: (pool: Pool, o: EventStoreModuleOptions) =>
            new PostgresEventStore({ pool, namespace: o.namespace, limits: o.limits, validator: o.validator, upcaster: o.upcaster }),
        },
        PoolCloser,
      ],
      exports: [EVENT_STORE, EVENT_STORE_POOL],
    };
  }
}
