export { ProjectionStatusReader } from './projection-status-reader';
export type { ProjectionStatus, ProjectionVersionStatus } from './projection-status-reader';
