import { quoteIdentifier } from '@projectionist/event-store';
import { FlatTableProjection } from '@projectionist/projections';
import { PoolClient } from 'pg';

/** Inserts a batch's rows with one statement: one array parameter per column. */
export async function insertRows(
  client: PoolClient,
  table: string,
  projection: FlatTableProjection,
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = projection.table.columns;
  const names = columns.map((c) => quoteIdentifier(c.name)).join(', ');
  const arrays = columns.map((c, i) => `$${i + 1}::${c.sqlType}[]`).join(', ');
  await client.query(
    `INSERT INTO ${table} (${names}) SELECT * FROM unnest(${arrays})`,
    columns.map((c) => rows.map((row) => toParam(row[c.name]))),
  );
}

function toParam(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return value;
}
