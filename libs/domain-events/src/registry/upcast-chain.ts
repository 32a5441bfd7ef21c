import { EventRegistryError } from './event-registry.error';
import type { UpcastedEvent, Upcaster } from './upcaster';

export interface UpcastLookups {
  /** Current schema version of a registered type; undefined for types the registry does not own. */
  currentVersionOf(type: string): number | undefined;
  upcasterFor(type: string, fromVersion: number): Upcaster | undefined;
}

/**
 * Applies upcasters one version at a time until the event reaches its type's current version.
 *
 * The version counter travels with the event across renames: `Old@1` renamed by its upcaster
 * becomes `New@2`. A version at or past the current one is returned as is, which is what lets a
 * rename land on a type that is still at version 1; it also means a reader one deploy behind
 * a writer passes newer events through instead of halting every projection.
 * The loop ends because each step raises the version and each (type, version) has one upcaster.
 */
export function runUpcastChain(
  start: UpcastedEvent,
  startVersion: number,
  lookups: UpcastLookups,
): UpcastedEvent {
  let event = start;
  let version = startVersion;
  for (;;) {
    const current = lookups.currentVersionOf(event.type);
    if (current !== undefined && version >= current) return event;
    const upcaster = lookups.upcasterFor(event.type, version);
    if (upcaster === undefined) {
      // Unowned types (and retired names with no further step) are not ours to complete.
      if (current === undefined) return event;
      throw new EventRegistryError(
        'UPCAST_CHAIN_BROKEN',
        `Cannot read ${start.type} v${startVersion} as ${event.type} v${current}: ` +
          `no upcaster is registered for ${event.type} from version ${version}`,
      );
    }
    const step = upcaster.upcast(event.data);
    event = { type: step.type ?? event.type, data: step.data };
    version += 1;
  }
}
