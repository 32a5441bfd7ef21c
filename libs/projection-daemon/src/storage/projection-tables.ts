import { advisoryLockArgs, quoteIdentifier } from '@projectionist/event-store';
import { Projection } from '@projectionist/projections';
import { Pool, PoolClient } from 'pg';
import { projectionTarget, ProjectionTarget } from './projection-target';

/**
 * Serialises changes to one projection's tables and view (every version's) across workers and
 * agents: CREATE TABLE IF NOT EXISTS can race, and a swap must not meet a table being created.
 * Per projection, so that one projection's switch never queues behind another's table changes.
 */
export async function lockDdl(client: PoolClient, namespace: string, projection: string): Promise<void> {
  await client.query(`SELECT pg_advisory_xact_lock(${advisoryLockArgs('projectionDdl', '$1')})`, [`${namespace}:${projection}`]);
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

/**
 * Creates the target's table when missing, and for the live slot points the stable view at it,
 * inside the caller's (fenced) transaction.
 */
export async function ensureProjectionTable(client: PoolClient, target: ProjectionTarget, { pointView: point = target.slot === 'live' } = {}): Promise<void> {
  await lockDdl(client, target.namespace, target.projection.name);
  const { rows } = await client.query('SELECT to_regclass($1) AS oid', [target.qualifiedTable]);
  if (rows[0].oid === null) for (const sql of createTableSql(target)) await client.query(sql);
  if (point) await pointView(client, target);
}

/**
 * SQL that is true when the view named by the SQL expression `view` reads the table named by
 * `table`, by the rewrite rule PostgreSQL keeps for the view (both names as regclass text).
 */
export function viewReadsSql(view: string, table: string): string {
  return `EXISTS (
  SELECT 1 FROM pg_rewrite r JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
   WHERE r.ev_class = to_regclass(${view}) AND d.refclassid = 'pg_class'::regclass AND d.refobjid = to_regclass(${table}))`;
}

/**
 * True when the live table exists, the stable view reads from it and no rebuild table is left
 * (unless `rebuildStays`: an online run will resume it): the usual case at start, which then takes
 * no DDL lock and writes no catalog row, so a worker starts without queueing behind readers of
 * the view or behind other workers' DDL.
 */
export async function liveSlotInPlace(client: PoolClient, namespace: string, projection: Projection, { rebuildStays = false } = {}): Promise<boolean> {
  const live = projectionTarget(namespace, projection, 'live');
  const rebuild = projectionTarget(namespace, projection, 'rebuild');
  const reads = viewReadsSql('$2', '$1');
  const { rows } = await client.query(`SELECT ($4 OR to_regclass($3) IS NULL) AND ${reads} AS ready`, [live.qualifiedTable, live.qualifiedView, rebuild.qualifiedTable, rebuildStays]);
  return rows[0].ready === true;
}

/**
 * What the stable view reads: nothing yet (`missing`), this version's live table (`this`), or
 * another table (`other`: another version of the projection, which readers keep using until this
 * one has caught up).
 */
export async function liveViewState(client: PoolClient, namespace: string, projection: Projection): Promise<'missing' | 'this' | 'other'> {
  const live = projectionTarget(namespace, projection, 'live');
  const reads = viewReadsSql('$2', '$1');
  const { rows } = await client.query(`SELECT to_regclass($2) IS NULL AS missing, ${reads} AS reads_this`, [live.qualifiedTable, live.qualifiedView]);
  return rows[0].missing ? 'missing' : rows[0].reads_this ? 'this' : 'other';
}

/** Points the stable view at this version's live table, inside the caller's (fenced) transaction. */
export async function pointLiveView(client: PoolClient, namespace: string, projection: Projection): Promise<void> {
  await lockDdl(client, namespace, projection.name);
  await pointView(client, projectionTarget(namespace, projection, 'live'));
}

/** Drops and recreates the rebuild slot's table inside the caller's transaction, so a rebuild always starts from nothing. */
export async function recreateRebuildTable(client: PoolClient, namespace: string, projection: Projection): Promise<ProjectionTarget> {
  const target = projectionTarget(namespace, projection, 'rebuild');
  await lockDdl(client, namespace, projection.name);
  await client.query(`DROP TABLE IF EXISTS ${target.qualifiedTable}`);
  for (const sql of createTableSql(target)) await client.query(sql);
  return target;
}

export async function dropRebuildTable(client: PoolClient, namespace: string, projection: Projection): Promise<void> {
  await lockDdl(client, namespace, projection.name);
  await client.query(`DROP TABLE IF EXISTS ${projectionTarget(namespace, projection, 'rebuild').qualifiedTable}`);
}

/**
 * Replaces the live table by the rebuilt one, inside the caller's transaction: readers see the
 * old table until the commit and the rebuilt one after, never a half-built one. The view is
 * repointed in place rather than dropped, so views that operators built on it survive.
 */
export async function swapInRebuiltTable(client: PoolClient, namespace: string, projection: Projection, { keepRetired = false } = {}): Promise<void> {
  const live = projectionTarget(namespace, projection, 'live');
  const rebuilt = projectionTarget(namespace, projection, 'rebuild');
  const retired = `${live.table}__old`;
  await lockDdl(client, namespace, projection.name);
  const { rows } = await client.query(`SELECT to_regclass($1) AS view, ${viewReadsSql('$1', '$2')} AS reads_live`, [live.qualifiedView, live.qualifiedTable]);
  const retiredTable = `${live.schema}.${quoteIdentifier(retired)}`;
  if (rows[0].view !== null && !rows[0].reads_live) {
    // Readers read another version (a newer one took them, or a rollback went to an older one):
    // this version's tables change places without moving the readers to it.
    await client.query(
      [`DROP TABLE IF EXISTS ${retiredTable}`, `ALTER TABLE IF EXISTS ${live.qualifiedTable} RENAME TO ${quoteIdentifier(retired)}`, `ALTER TABLE ${rebuilt.qualifiedTable} RENAME TO ${quoteIdentifier(live.table)}`, ...(keepRetired ? [] : [`DROP TABLE IF EXISTS ${retiredTable}`])].join(';\n'),
    );
    return;
  }
  // The view first: a reader locks the view, then its table, so a swap that took the table first
  // and then waited for the view would deadlock with it. Readers queue from here until the
  // commit and then read the new table; what runs meanwhile is sent in one round trip.
  await pointView(client, live, {
    before: [
      ...(rows[0].view !== null ? [`LOCK TABLE ${live.qualifiedView} IN ACCESS EXCLUSIVE MODE`] : []),
      `DROP TABLE IF EXISTS ${retiredTable}`,
      `ALTER TABLE IF EXISTS ${live.qualifiedTable} RENAME TO ${quoteIdentifier(retired)}`,
      `ALTER TABLE ${rebuilt.qualifiedTable} RENAME TO ${quoteIdentifier(live.table)}`,
    ],
    after: keepRetired ? [] : [`DROP TABLE IF EXISTS ${retiredTable}`],
  });
}

/** The live table and the one an online rebuild retired (`<table>__old`) change places: a rollback, or undoing one. */
export async function exchangeRetiredTable(client: PoolClient, namespace: string, projection: Projection): Promise<boolean> {
  const live = projectionTarget(namespace, projection, 'live');
  const retired = `${live.table}__old`;
  const { rows } = await client.query('SELECT to_regclass($1) AS oid', [`${live.schema}.${quoteIdentifier(retired)}`]);
  if (rows[0].oid === null) return false;
  await lockDdl(client, namespace, projection.name);
  const parked = quoteIdentifier(`${live.table}__swap`);
  // The view first, as in swapInRebuiltTable: readers lock the view, then its table; one round trip.
  await pointView(client, live, {
    before: [
      `LOCK TABLE ${live.qualifiedView} IN ACCESS EXCLUSIVE MODE`,
      `ALTER TABLE ${live.qualifiedTable} RENAME TO ${parked}`,
      `ALTER TABLE ${live.schema}.${quoteIdentifier(retired)} RENAME TO ${quoteIdentifier(live.table)}`,
      `ALTER TABLE ${live.schema}.${parked} RENAME TO ${quoteIdentifier(retired)}`,
    ],
  });
  return true;
}

/** Drops the table a swap retired (`<table>__old`), if one was kept. */
export async function dropRetiredTable(client: PoolClient, namespace: string, projection: Projection): Promise<void> {
  const live = projectionTarget(namespace, projection, 'live');
  await lockDdl(client, namespace, projection.name);
  await client.query(`DROP TABLE IF EXISTS ${live.schema}.${quoteIdentifier(`${live.table}__old`)}`);
}

/**
 * Points the stable view at the live table. CREATE OR REPLACE keeps the view itself, and so
 * every view that depends on it; only a new version with other columns needs DROP + CREATE,
 * which fails, naming the dependent views, while they exist.
 */
async function pointView(client: PoolClient, live: ProjectionTarget, { before = [] as string[], after = [] as string[] } = {}): Promise<void> {
  const create = `VIEW ${live.qualifiedView} AS SELECT * FROM ${live.qualifiedTable}`;
  // `before` and `after` (statements without parameters) go in the same round trip: a swap holds
  // the view's lock from its first statement to the commit, and every round trip is readers' wait.
  try {
    await client.query([...before, 'SAVEPOINT point_view', `CREATE OR REPLACE ${create}`, 'RELEASE SAVEPOINT point_view', ...after].join(';\n'));
  } catch (error) {
    // 42P16: the table's columns are not the view's (a new version of the projection). Anything
    // else, a lock timeout of `before` included, is the caller's to handle.
    if ((error as { code?: string }).code !== '42P16') throw error;
    await client.query('ROLLBACK TO SAVEPOINT point_view');
    await client.query([`DROP VIEW IF EXISTS ${live.qualifiedView}`, `CREATE ${create}`, ...after].join(';\n'));
  }
}

/** ensureProjectionTable for targets outside the fence (inline projections, which the appending transaction writes), in one transaction. */
export async function ensureProjectionTables(pool: Pool, targets: readonly ProjectionTarget[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    for (const target of targets) await ensureProjectionTable(client, target);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
