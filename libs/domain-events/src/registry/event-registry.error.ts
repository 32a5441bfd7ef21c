export type EventRegistryErrorCode =
  | 'DUPLICATE_EVENT_TYPE'
  | 'DUPLICATE_UPCASTER'
  | 'INVALID_SCHEMA_VERSION'
  | 'UPCAST_CHAIN_BROKEN';

/** Thrown for registry misconfiguration and for stored events that cannot be brought up to date. */
export class EventRegistryError extends Error {
  constructor(
    readonly code: EventRegistryErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EventRegistryError';
  }
}

export function assertSchemaVersion(version: unknown, what: string): asserts version is number {
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new EventRegistryError(
      'INVALID_SCHEMA_VERSION',
      `${what} must be an integer >= 1 (got ${JSON.stringify(version)})`,
    );
  }
}
