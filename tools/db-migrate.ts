/**
 * `npm run db:migrate`: runs pending migrations in the NAMESPACE schema of DATABASE_URL, the same
 * list the apps run at start, so apps with MIGRATE_ON_START=false start on it.
 */
import { runMigrateCommand } from '@projectionist/app-runtime';

void runMigrateCommand('coordinator');
