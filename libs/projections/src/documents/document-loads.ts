import type { RecordedEvent } from '@projectionist/event-store';
import { DocumentProjection } from '../model/projection-definition';

/** What must be loaded before a page of events can be applied without further I/O. */
export interface DocumentLoads {
  readonly ids: readonly string[];
  /** Per field, the values whose documents must all be loaded (for `where` routes). */
  readonly lookups: ReadonlyMap<string, readonly string[]>;
}

export function documentLoadsFor(projection: DocumentProjection, events: readonly RecordedEvent[]): DocumentLoads {
  const ids = new Set<string>();
  const lookups = new Map<string, Set<string>>();
  for (const event of events) {
    const route = projection.route(event);
    for (const id of route.ids ?? []) ids.add(id);
    for (const id of route.reads ?? []) ids.add(id);
    if (route.where) {
      const values = lookups.get(route.where.field) ?? new Set<string>();
      values.add(route.where.equals);
      lookups.set(route.where.field, values);
    }
  }
  return { ids: [...ids], lookups: new Map([...lookups].map(([field, values]) => [field, [...values]])) };
}
