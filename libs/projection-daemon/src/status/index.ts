export { ProjectionStatusReader } from './projection-status-reader';
export type { ProjectionStatus } from './projection-status-reader';
