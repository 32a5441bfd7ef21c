import { DocumentChanges, DocumentLoads, StoredDocument } from '@projectionist/projections';
import { statementName } from '@projectionist/event-store';
import { Pool, PoolClient } from 'pg';

/** Loads every document a page needs in one round trip: by id, and by look-up field. */
export async function loadDocuments(client: Pool | PoolClient, table: string, loads: DocumentLoads): Promise<Map<string, StoredDocument>> {
  const parts = [`SELECT id, data, last_position FROM ${table} WHERE id = ANY ($1::text[])`];
  const values: unknown[] = [loads.ids];
  for (const [field, wanted] of loads.lookups) {
    values.push(field, wanted);
    parts.push(`SELECT id, data, last_position FROM ${table} WHERE data->>$${values.length - 1} = ANY ($${values.length}::text[])`);
  }
  const text = parts.join(' UNION ');
  // By id only: named, so each connection plans it once. A look-up keeps its custom plan (the field must be a literal to the planner for its expression index).
  const { rows } = await client.query(loads.lookups.size === 0 ? { name: statementName(text), text, values } : { text, values });
  return new Map(rows.map((r) => [r.id as string, { data: r.data, lastPosition: Number(r.last_position) }]));
}

/** Writes each changed document once: one bulk upsert and one bulk delete. */
export async function writeDocuments(client: PoolClient, table: string, changes: DocumentChanges): Promise<void> {
  if (changes.upserts.length > 0) await client.query(upsertDocumentsQuery(table, '$1'), [upsertRows(changes)]);
  if (changes.deletes.length > 0) await client.query(deleteDocumentsQuery(table, '$1'), [changes.deletes]);
}

/** The bulk upsert of the rows behind the placeholder `rows` (see upsertRows), guarded by `condition`. */
export function upsertDocumentsQuery(table: string, rows: string, condition = ''): string {
  return `INSERT INTO ${table} (id, data, last_position, updated_at)
       SELECT u.id, u.data, u."lastPosition", now() FROM jsonb_to_recordset(${rows}::jsonb) AS u(id text, data jsonb, "lastPosition" bigint) ${condition ? `WHERE ${condition}` : ''}
       ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, last_position = EXCLUDED.last_position, updated_at = EXCLUDED.updated_at`;
}

/**
 * The documents to upsert as one JSON text: one stringify here and one parse in the database,
 * where a text[] of documents would have the driver escape every quote of every document.
 */
export function upsertRows(changes: DocumentChanges): string {
  return JSON.stringify(changes.upserts);
}

export function deleteDocumentsQuery(table: string, ids: string, condition = ''): string {
  return `DELETE FROM ${table} WHERE id = ANY (${ids}::text[]) ${condition ? `AND ${condition}` : ''}`;
}
