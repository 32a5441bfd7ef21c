import type { MigrationClass } from '@projectionist/event-store';
import { CreateProjectionDaemonTables1732000000001 } from './1732000000001-create-projection-daemon-tables';
import { AddProjectionLeaseAgent1732000000005 } from './1732000000005-add-projection-lease-agent';
import { AddFeedHoldBackToProgress1733100000000 } from './1733100000000-add-feed-hold-back-to-progress';
import { AddProjectionLeaseBuilder1733200000000 } from './1733200000000-add-projection-lease-builder';
import { AddCheckpointRebuildRun1733300000000 } from './1733300000000-add-checkpoint-rebuild-run';
import { AddProjectionLeaseExpiry1733400000000 } from './1733400000000-add-projection-lease-expiry';
import { CreateProjectionLiveVersions1733500000000 } from './1733500000000-create-projection-live-versions';
import { AddCheckpointPartition1733600000000 } from './1733600000000-add-checkpoint-partition';

export { CreateProjectionDaemonTables1732000000001, AddProjectionLeaseAgent1732000000005, AddFeedHoldBackToProgress1733100000000, AddProjectionLeaseBuilder1733200000000, AddCheckpointRebuildRun1733300000000, AddProjectionLeaseExpiry1733400000000, CreateProjectionLiveVersions1733500000000, AddCheckpointPartition1733600000000 };

/** The tables this lib owns, in order; apps and `npm run db:migrate` run them through APP_MIGRATIONS. */
export const PROJECTION_DAEMON_MIGRATIONS: readonly MigrationClass[] = [
  CreateProjectionDaemonTables1732000000001,
  AddProjectionLeaseAgent1732000000005,
  AddFeedHoldBackToProgress1733100000000,
  AddProjectionLeaseBuilder1733200000000,
  AddCheckpointRebuildRun1733300000000,
  AddProjectionLeaseExpiry1733400000000,
  CreateProjectionLiveVersions1733500000000,
  AddCheckpointPartition1733600000000,
];
