export { LeaderElection } from './leader-election';
export type { ElectionLock, ElectionLogger, ElectionRole, LeaderElectionOptions } from './leader-election';
export { standbyRetryDelayMs } from './standby-interval';
