import type { MigrationClass } from '@projectionist/event-store';
import { CreateClusterNodes1732000000003 } from './1732000000003-create-cluster-nodes';

export { CreateClusterNodes1732000000003 };

/** The tables this lib owns, in order; apps and `npm run db:migrate` run them through APP_MIGRATIONS. */
export const CLUSTER_NODES_MIGRATIONS: readonly MigrationClass[] = [CreateClusterNodes1732000000003];
