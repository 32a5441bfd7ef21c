import { CreateProjectionDaemonTables1732000000001 } from './1732000000001-create-projection-daemon-tables';
import { AddFeedHoldBackToProgress1733100000000 } from './1733100000000-add-feed-hold-back-to-progress';

/** The daemon's migrations in order: what every app and test that runs the daemon's tables needs. */
export const PROJECTION_DAEMON_MIGRATIONS = [CreateProjectionDaemonTables1732000000001, AddFeedHoldBackToProgress1733100000000] as const;
