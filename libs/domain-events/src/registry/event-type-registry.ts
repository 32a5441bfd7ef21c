import type { z } from 'zod';
import { assertSchemaVersion, EventRegistryError } from './event-registry.error';
import { runUpcastChain } from './upcast-chain';
import type { EventSchemaPort, UpcastedEvent, Upcaster, VersionedEvent } from './upcaster';
import { toValidationIssues, ValidationResult } from './validation-result';

export interface RegisterOptions {
  /** The version new events of this type are written with; upcasters bring older ones up to it. */
  schemaVersion?: number;
}

interface RegisteredType {
  readonly schema: z.ZodType;
  readonly schemaVersion: number;
}

const upcasterKey = (type: string, fromVersion: number): string => `${type}@${fromVersion}`;

/**
 * Maps event type names to their payload schema and schema version.
 *
 * `upcast` takes either a stored event or `(type, data, schemaVersion)`: the object form is what
 * makes the registry satisfy the event store's EventSchemaPort directly, and the positional form
 * stays convenient in code that already holds the parts.
 */
export class EventTypeRegistry implements EventSchemaPort {
  private readonly registered = new Map<string, RegisteredType>();
  private readonly upcasters = new Map<string, Upcaster>();

  register(type: string, schema: z.ZodType, options: RegisterOptions = {}): this {
    if (this.registered.has(type)) {
      throw new EventRegistryError('DUPLICATE_EVENT_TYPE', `Event type ${type} is already registered`);
    }
    const schemaVersion = options.schemaVersion ?? 1;
    assertSchemaVersion(schemaVersion, `schemaVersion of ${type}`);
    this.registered.set(type, { schema, schemaVersion });
    return this;
  }

  has(type: string): boolean {
    return this.registered.has(type);
  }

  /** Registered type names, in registration order. */
  types(): string[] {
    return [...this.registered.keys()];
  }

  /** The version a writer should stamp in metadata; 1 for types the registry does not own. */
  schemaVersionOf(type: string): number {
    return this.registered.get(type)?.schemaVersion ?? 1;
  }

  /**
   * Validates a payload against the current schema of its type. Unknown types pass unchanged:
   * the registry describes the types it owns and is not an allow-list for the whole store.
   * On success `data` is the parsed payload (strings trimmed), which is what should be stored.
   */
  validate(type: string, data: unknown): ValidationResult {
    const entry = this.registered.get(type);
    if (entry === undefined) return { ok: true, data };
    const parsed = entry.schema.safeParse(data);
    return parsed.success ? { ok: true, data: parsed.data } : { ok: false, issues: toValidationIssues(parsed.error.issues) };
  }

  registerUpcaster<TFrom = unknown>(upcaster: Upcaster<TFrom>): this {
    assertSchemaVersion(upcaster.fromVersion, `fromVersion of the ${upcaster.type} upcaster`);
    const key = upcasterKey(upcaster.type, upcaster.fromVersion);
    if (this.upcasters.has(key)) {
      throw new EventRegistryError(
        'DUPLICATE_UPCASTER',
        `An upcaster for ${upcaster.type} from version ${upcaster.fromVersion} is already registered`,
      );
    }
    // Stored without TFrom: the input type is the trust boundary documented on Upcaster.
    this.upcasters.set(key, upcaster);
    return this;
  }

  /**
   * Reads a stored event as its current version, possibly under a new type name. The result is
   * not validated again: the event was valid when written and the upcasters are code we own.
   * Throws EventRegistryError (UPCAST_CHAIN_BROKEN) when a step between the two versions is missing.
   */
  upcast(event: VersionedEvent): UpcastedEvent;
  upcast(type: string, data: unknown, schemaVersion?: number): UpcastedEvent;
  upcast(eventOrType: VersionedEvent | string, data?: unknown, schemaVersion?: number): UpcastedEvent {
    const event: VersionedEvent =
      typeof eventOrType === 'string' ? { type: eventOrType, data, schemaVersion } : eventOrType;
    const version = event.schemaVersion ?? 1;
    assertSchemaVersion(version, `schemaVersion of the stored ${event.type} event`);
    return runUpcastChain({ type: event.type, data: event.data }, version, {
      currentVersionOf: (type) => this.registered.get(type)?.schemaVersion,
      upcasterFor: (type, fromVersion) => this.upcasters.get(upcasterKey(type, fromVersion)),
    });
  }
}
