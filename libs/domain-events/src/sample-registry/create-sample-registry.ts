import { EventTypeRegistry } from '../registry/event-type-registry';
import type { EventSchemas } from '../event-schema/event-union';
import { dealershipEventSchemas, dealershipEventTypes, DealershipEvent } from '../dealership/dealership-events.schemas';
import { hotelEventSchemas, hotelEventTypes, HotelEvent } from '../hotel/hotel-events.schemas';
import {
  COMMIT_PUSHED_SCHEMA_VERSION,
  repositoryEventSchemas,
  repositoryEventTypes,
  RepositoryEvent,
} from '../repository/repository-events.schemas';
import { repositoryUpcasters } from '../repository/repository-events.upcasters';

export type SampleEvent = RepositoryEvent | DealershipEvent | HotelEvent;
export type SampleEventType = SampleEvent['type'];

export const sampleEventTypes: readonly SampleEventType[] = Object.freeze([
  ...repositoryEventTypes,
  ...dealershipEventTypes,
  ...hotelEventTypes,
]);

// Types not listed here are still at version 1.
const currentSchemaVersions: Readonly<Record<string, number | undefined>> = {
  CommitPushed: COMMIT_PUSHED_SCHEMA_VERSION,
} satisfies Partial<Record<SampleEventType, number>>;

/** A fresh registry holding the repository, dealership and hotel sample domains. */
export function createSampleRegistry(): EventTypeRegistry {
  const registry = new EventTypeRegistry();
  // Each domain is registered on its own (not spread into one map) so a type name that two
  // domains both claim fails loudly instead of one schema silently replacing the other.
  const domains: readonly EventSchemas[] = [repositoryEventSchemas, dealershipEventSchemas, hotelEventSchemas];
  for (const schemas of domains) {
    for (const [type, schema] of Object.entries(schemas)) {
      const schemaVersion = currentSchemaVersions[type] ?? 1;
      registry.register(type, schema, { schemaVersion });
    }
  }
  // CommitPushed was first stored with linesAdded/linesRemoved (v1). Those events stay in the
  // store forever, so projections built from this registry must read them as v2 without every
  // projection handling both shapes: the upcaster is the single place that knows v1 existed.
  for (const upcaster of repositoryUpcasters) registry.registerUpcaster(upcaster);
  return registry;
}
