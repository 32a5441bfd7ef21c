import type { z } from 'zod';

/** Any event as the registry sees it before its type is narrowed. */
export interface DomainEvent {
  readonly type: string;
  readonly data: unknown;
}

/** The schemas of one domain, keyed by event type name. */
export type EventSchemas = Readonly<Record<string, z.ZodType>>;

/**
 * Derives the `{ type, data }` discriminated union from a domain's schema map, so the
 * TypeScript union can never drift from what the runtime validation accepts.
 */
export type EventUnion<TSchemas extends EventSchemas> = {
  [K in keyof TSchemas & string]: { readonly type: K; readonly data: z.output<TSchemas[K]> };
}[keyof TSchemas & string];

/** The type names of a schema map, typed as the union members rather than plain strings. */
export function eventTypesOf<TSchemas extends EventSchemas>(schemas: TSchemas): readonly (keyof TSchemas & string)[] {
  // Object.keys widens to string[]; the keys of a literal schema map are exactly its type names.
  return Object.freeze(Object.keys(schemas) as (keyof TSchemas & string)[]);
}
