import { CreateProjectionDaemonTables1732000000001 } from './1732000000001-create-projection-daemon-tables';
import { AddProjectionLeaseAgent1732000000004 } from './1732000000004-add-projection-lease-agent';

/** The daemon's tables (checkpoints, leases, dead letters, progress), in the order they run. */
export const projectionDaemonMigrations = [CreateProjectionDaemonTables1732000000001, AddProjectionLeaseAgent1732000000004];
