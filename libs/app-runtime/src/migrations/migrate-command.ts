import { AppName, loadConfig } from '@projectionist/config';
import { runMigrations } from '@projectionist/event-store';
import { APP_MIGRATIONS } from './app-migrations';

/**
 * Runs the pending migrations in the NAMESPACE schema of DATABASE_URL and exits: the same list
 * every app runs at start (APP_MIGRATIONS). `npm run db:migrate` and each image's `migrate.js`
 * (the Kubernetes init container) run it, so the apps can start with MIGRATE_ON_START=false.
 * Concurrent runs are serialised by the migration lock.
 */
export async function runMigrateCommand(app: AppName): Promise<void> {
  try {
    const config = loadConfig(app);
    const ran = await runMigrations({ databaseUrl: config.databaseUrl, namespace: config.namespace, extraMigrations: APP_MIGRATIONS });
    console.log(ran.length ? `Ran ${ran.length} migration(s) in "${config.namespace}": ${ran.join(', ')}` : `"${config.namespace}" is up to date.`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
