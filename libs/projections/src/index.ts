export { projectionTableNames, MAX_IDENTIFIER_BYTES } from './model/projection-table';
export { checkProjectionSet } from './model/projection-set';
export { ProjectionRegistrationError } from './model/projection-registration.error';
export type { ProjectionRegistrationErrorCode } from './model/projection-registration.error';
export type { ProjectionTableNames } from './model/projection-table';
export { DEFAULT_RETRY, isSingleStream } from './model/projection-definition';
export type {
  CustomProjection,
  DocumentProjection,
  DocumentRoute,
  ErrorPolicy,
  EvolveContext,
  FlatTableDefinition,
  FlatTableProjection,
  Projection,
  ProjectionMode,
  ProjectionTransaction,
  RetryPolicy,
} from './model/projection-definition';
export { documentLoadsFor } from './documents/document-loads';
export type { DocumentLoads } from './documents/document-loads';
export { DocumentBatch } from './documents/document-batch';
export type { DocumentChanges, StoredDocument } from './documents/document-batch';
export { ProjectionHandlerError } from './documents/projection-handler.error';
export { singleStreamProjection } from './documents/single-stream';
export type { SingleStreamOptions } from './documents/single-stream';
export { foldDocuments } from './documents/live-fold';
export { flatTable } from './flat-table/flat-table';
export * from './samples';
