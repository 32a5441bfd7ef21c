import { DataSource, MigrationInterface } from 'typeorm';
import { advisoryLockArgs } from '../locks/advisory-locks';
import { quoteIdentifier } from '../postgres/identifiers';
import { CreateEventStore1732000000000 } from './1732000000000-create-event-store';
import { ReviseAppendToStream1732000000004 } from './1732000000004-revise-append-to-stream';
import { CacheAppendPlans1732000000005 } from './1732000000005-cache-append-plans';
import { SkipIdCheckForNewIds1734000000000 } from './1734000000000-skip-id-check-for-new-ids';

/** A TypeORM migration, as each lib lists its own. */
export type MigrationClass = new () => MigrationInterface;

/** The event store's own migrations; other libs pass theirs in `extraMigrations`. */
export const EVENT_STORE_MIGRATIONS: readonly MigrationClass[] = [CreateEventStore1732000000000, ReviseAppendToStream1732000000004, CacheAppendPlans1732000000005, SkipIdCheckForNewIds1734000000000];

export interface RunMigrationsOptions {
  readonly databaseUrl: string;
  readonly namespace: string;
  readonly extraMigrations?: readonly MigrationClass[];
}

/**
 * Creates the namespace schema and runs every pending migration in it. Safe to call from many
 * processes at once: a session advisory lock per namespace lets one run them while the others wait.
 * Returns the names of the migrations it ran.
 */
export async function runMigrations(options: RunMigrationsOptions): Promise<string[]> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.databaseUrl,
    schema: options.namespace,
    migrations: [...EVENT_STORE_MIGRATIONS, ...(options.extraMigrations ?? [])],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: { max: 2, application_name: `${options.namespace}:migrations` },
  });
  await dataSource.initialize();
  const lock = dataSource.createQueryRunner();
  try {
    await lock.connect();
    await lock.query(`SELECT pg_advisory_lock(${advisoryLockArgs('migrations', '$1')})`, [options.namespace]);
    await lock.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(options.namespace)}`);
    const ran = await dataSource.runMigrations();
    await lock.query(`SELECT pg_advisory_unlock(${advisoryLockArgs('migrations', '$1')})`, [options.namespace]);
    return ran.map((m) => m.name);
  } finally {
    await lock.release();
    await dataSource.destroy();
  }
}
