import type { MigrationClass } from '@projectionist/event-store';
import { CreateRebuildRuns1732000000002 } from './1732000000002-create-rebuild-runs';
import { CreateRebuildStateVersion1732000000003 } from './1732000000003-create-rebuild-state-version';

export { CreateRebuildRuns1732000000002, CreateRebuildStateVersion1732000000003 };

/** The tables this lib owns, in order; apps and `npm run db:migrate` run them through APP_MIGRATIONS. */
export const REBUILD_COORDINATOR_MIGRATIONS: readonly MigrationClass[] = [CreateRebuildRuns1732000000002, CreateRebuildStateVersion1732000000003];
