import type { ValidationResult } from './validation-result';

/** What one upcaster step produces; leaving `type` out keeps the event's type name. */
export interface UpcastStep {
  type?: string;
  data: unknown;
}

/**
 * Reads an event stored at `fromVersion` as `fromVersion + 1`. `TFrom` is trusted, not checked:
 * the stored payload passed that version's schema when it was written.
 */
export interface Upcaster<TFrom = unknown> {
  readonly type: string;
  readonly fromVersion: number;
  // Method syntax, not a function property, so an Upcaster<V1> can be kept alongside Upcaster<unknown>.
  upcast(data: TFrom): UpcastStep;
}

/** An event as read from the store; a missing schemaVersion means version 1. */
export interface VersionedEvent {
  type: string;
  data: unknown;
  schemaVersion?: number;
}

export interface UpcastedEvent {
  type: string;
  data: unknown;
}

/**
 * The shape the event store accepts to validate on append and upcast on read. Declared here
 * only so EventTypeRegistry is checked against it; the store matches it structurally.
 */
export interface EventSchemaPort {
  validate(type: string, data: unknown): ValidationResult;
  upcast(event: VersionedEvent): UpcastedEvent;
}
