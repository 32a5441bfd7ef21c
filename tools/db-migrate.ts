/** `npm run db:migrate`: runs pending migrations in the NAMESPACE schema of DATABASE_URL. */
import { loadConfig } from '@projectionist/config';
import { runMigrations } from '@projectionist/event-store';
import { PROJECTION_DAEMON_MIGRATIONS } from '@projectionist/projection-daemon';
import { CreateRebuildRuns1732000000002 } from '@projectionist/rebuild-coordinator';

async function main(): Promise<void> {
  const config = loadConfig('coordinator');
  const ran = await runMigrations({
    databaseUrl: config.databaseUrl,
    namespace: config.namespace,
    extraMigrations: [...PROJECTION_DAEMON_MIGRATIONS, CreateRebuildRuns1732000000002],
  });
  console.log(ran.length ? `Ran ${ran.length} migration(s) in "${config.namespace}": ${ran.join(', ')}` : `"${config.namespace}" is up to date.`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
