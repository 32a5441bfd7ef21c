import { Provider } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@projectionist/config';
import { EVENT_STORE_POOL } from '@projectionist/event-store';
import { ProjectionStatusReader } from '@projectionist/projection-daemon/status';
import { ReactorStatusReader, sampleReactors } from '@projectionist/reactors';
import { Pool } from 'pg';

/** The daemon's own view of its tables, on the gateway's pool: the gateway never reads them itself. */
export const projectionStatusProvider: Provider = {
  provide: ProjectionStatusReader,
  useFactory: (pool: Pool, config: AppConfig) => new ProjectionStatusReader(pool, config.namespace),
  inject: [EVENT_STORE_POOL, APP_CONFIG],
};

/** The reactors' checkpoints, leases and dead letters, read the same way. */
export const reactorStatusProvider: Provider = {
  provide: ReactorStatusReader,
  useFactory: (pool: Pool, config: AppConfig) => new ReactorStatusReader(pool, config.namespace, sampleReactors),
  inject: [EVENT_STORE_POOL, APP_CONFIG],
};
