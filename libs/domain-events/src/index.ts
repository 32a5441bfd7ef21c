// Public entry of @projectionist/domain-events: event payload schemas, the type registry
// the event store validates and upcasts with, and stream naming helpers. Pure: no I/O.

export { EventTypeRegistry } from './registry/event-type-registry';
export type { RegisterOptions } from './registry/event-type-registry';
export type { ValidationResult, ValidationIssue } from './registry/validation-result';
export type { Upcaster, UpcastStep, VersionedEvent, UpcastedEvent, EventSchemaPort } from './registry/upcaster';
export { EventRegistryError } from './registry/event-registry.error';
export type { EventRegistryErrorCode } from './registry/event-registry.error';

export { categoryOf } from './streams/category-of';

export type { DomainEvent, EventSchemas, EventUnion } from './event-schema/event-union';
export { eventTypesOf } from './event-schema/event-union';
export {
  nameField,
  idField,
  titleField,
  positiveAmountField,
  countField,
  NAME_MAX_LENGTH,
  TITLE_MAX_LENGTH,
} from './event-schema/payload-fields';

export * from './repository/repository-events.schemas';
export { commitPushedV1ToV2, repositoryUpcasters } from './repository/repository-events.upcasters';
export * from './dealership/dealership-events.schemas';
export * from './hotel/hotel-events.schemas';

export { createSampleRegistry, sampleEventTypes } from './sample-registry/create-sample-registry';
export type { SampleEvent, SampleEventType } from './sample-registry/create-sample-registry';
