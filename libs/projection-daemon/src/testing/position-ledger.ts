import { CustomProjection } from '@projectionist/projections';

/**
 * A custom projection that keeps one row per applied event of type `eventType` and no key on it,
 * so that an event applied twice shows as a repeated position instead of being hidden by an
 * upsert or a constraint. `slowMs` makes every batch take that long (a replay that lasts).
 */
export function positionLedger(name: string, eventType: string, slowMs = 0): CustomProjection {
  return {
    kind: 'custom',
    name,
    version: 1,
    mode: 'async',
    eventTypes: [eventType],
    createTable: (table) => `CREATE TABLE ${table} (position bigint NOT NULL)`,
    handle: async (events, tx) => {
      if (slowMs > 0) await new Promise((resolve) => setTimeout(resolve, slowMs));
      await tx.query(`INSERT INTO ${tx.table} (position) SELECT unnest($1::bigint[])`, [events.map((e) => e.position)]);
    },
  };
}
