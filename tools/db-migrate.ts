/**
 * `npm run db:migrate`: runs pending migrations in the NAMESPACE schema of DATABASE_URL, the same
 * list the apps run at start (APP_MIGRATIONS), so apps with MIGRATE_ON_START=false start on it.
 */
import { APP_MIGRATIONS } from '@projectionist/app-runtime/migrations';
import { loadConfig } from '@projectionist/config';
import { runMigrations } from '@projectionist/event-store';

async function main(): Promise<void> {
  const config = loadConfig('coordinator');
  const ran = await runMigrations({
    databaseUrl: config.databaseUrl,
    namespace: config.namespace,
    extraMigrations: APP_MIGRATIONS,
  });
  console.log(ran.length ? `Ran ${ran.length} migration(s) in "${config.namespace}": ${ran.join(', ')}` : `"${config.namespace}" is up to date.`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
