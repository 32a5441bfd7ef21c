// The image's migrate.js (tools/write-entry.mjs): migrations only, then exit; the Kubernetes init container runs it.
import { runMigrateCommand } from '@projectionist/app-runtime';

void runMigrateCommand('coordinator');
