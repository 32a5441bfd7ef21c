import { CLUSTER_NODES_MIGRATIONS } from '@projectionist/cluster-nodes/migrations';
import type { MigrationClass } from '@projectionist/event-store';
import { PROJECTION_DAEMON_MIGRATIONS } from '@projectionist/projection-daemon/migrations';
import { REBUILD_COORDINATOR_MIGRATIONS } from '@projectionist/rebuild-coordinator/migrations';

/**
 * Every table the apps need beyond the event store's own (which runMigrations always runs): the
 * one list both an app starting with MIGRATE_ON_START and `npm run db:migrate` run, so a schema
 * migrated either way is the same. Each lib lists the tables it owns; a new one is added here.
 * Imported through `@projectionist/app-runtime/migrations`, which loads only the migration classes.
 */
export const APP_MIGRATIONS: readonly MigrationClass[] = [...PROJECTION_DAEMON_MIGRATIONS, ...REBUILD_COORDINATOR_MIGRATIONS, ...CLUSTER_NODES_MIGRATIONS];
