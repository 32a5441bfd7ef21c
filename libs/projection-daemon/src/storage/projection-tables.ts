import { advisoryLockArgs, quoteIdentifier } from '@projectionist/event-store';
import { Projection } from '@projectionist/projections';
import { PoolClient } from 'pg';
import { projectionTarget, ProjectionTarget } from './projection-target';

/** Serialises DDL across workers starting at once (CREATE TABLE IF NOT EXISTS can race). */
async function lockDdl(client: PoolClient, namespace: string): Promise<void> {
  await client.query(`SELECT pg_advisory_xact_lock(${advisoryLockArgs('projectionDdl', '$1')})`, [namespace]);
}

function createTableSql(target: ProjectionTarget): string[] {
  const p = target.projection;
  switch (p.kind) {
    case 'document':
      return [
        `CREATE TABLE ${target.qualifiedTable} (
           id text PRIMARY KEY, data jsonb NOT NULL, last_position bigint NOT NULL,
           updated_at timestamptz NOT NULL DEFAULT now())`,
        // Expression indexes for look-up fields (e.g. cars by customerId); names chosen by PostgreSQL.
        ...(p.indexedFields ?? []).map((f) => `CREATE INDEX ON ${target.qualifiedTable} ((data->>${quoteLiteral(f)}))`),
      ];
    case 'flat-table': {
      const columns = p.table.columns.map((c) => `${quoteIdentifier(c.name)} ${c.sqlType}${c.nullable ? '' : ' NOT NULL'}`);
      const primary = p.table.columns.filter((c) => c.primary).map((c) => quoteIdentifier(c.name));
      return [`CREATE TABLE ${target.qualifiedTable} (${[...columns, ...(primary.length ? [`PRIMARY KEY (${primary.join(', ')})`] : [])].join(', ')})`];
    }
    case 'custom':
      return [p.createTable(target.qualifiedTable)];
  }
}

function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Creates the target's table when missing, and for the live slot points the stable view at it. */
export async function ensureProjectionTable(client: PoolClient, target: ProjectionTarget): Promise<void> {
  await client.query('BEGIN');
  try {
    await lockDdl(client, target.namespace);
    const { rows } = await client.query('SELECT to_regclass($1) AS oid', [target.qualifiedTable]);
    if (rows[0].oid === null) for (const sql of createTableSql(target)) await client.query(sql);
    if (target.slot === 'live') await pointView(client, target);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

/** Drops and recreates the rebuild slot's table, so a rebuild always starts from nothing. */
export async function recreateRebuildTable(client: PoolClient, namespace: string, projection: Projection): Promise<ProjectionTarget> {
  const target = projectionTarget(namespace, projection, 'rebuild');
  await client.query('BEGIN');
  try {
    await lockDdl(client, namespace);
    await client.query(`DROP TABLE IF EXISTS ${target.qualifiedTable}`);
    for (const sql of createTableSql(target)) await client.query(sql);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
  return target;
}

export async function dropRebuildTable(client: PoolClient, namespace: string, projection: Projection): Promise<void> {
  await client.query(`DROP TABLE IF EXISTS ${projectionTarget(namespace, projection, 'rebuild').qualifiedTable}`);
}

/**
 * Replaces the live table by the rebuilt one, inside the caller's transaction: readers see the
 * old table until the commit and the rebuilt one after, never a half-built one.
 */
export async function swapInRebuiltTable(client: PoolClient, namespace: string, projection: Projection): Promise<void> {
  const live = projectionTarget(namespace, projection, 'live');
  const rebuilt = projectionTarget(namespace, projection, 'rebuild');
  await lockDdl(client, namespace);
  await client.query(`DROP VIEW IF EXISTS ${live.qualifiedView}`);
  await client.query(`DROP TABLE IF EXISTS ${live.qualifiedTable}`);
  await client.query(`ALTER TABLE ${rebuilt.qualifiedTable} RENAME TO ${quoteIdentifier(live.table)}`);
  await pointView(client, live);
}

async function pointView(client: PoolClient, live: ProjectionTarget): Promise<void> {
  // DROP + CREATE rather than CREATE OR REPLACE: a new version may have other columns.
  await client.query(`DROP VIEW IF EXISTS ${live.qualifiedView}`);
  await client.query(`CREATE VIEW ${live.qualifiedView} AS SELECT * FROM ${live.qualifiedTable}`);
}
