import { quoteIdentifier } from '@projectionist/event-store';
import { projectionTableNames } from '@projectionist/projections';
import type { Pool, PoolClient } from 'pg';
import type { VersionPin, VersionState } from '../daemon/version-rules';

type Queryable = Pick<Pool | PoolClient, 'query'>;

/**
 * Reads, in the caller's transaction or pool, which version's table a projection's stable view
 * reads, the versions it has and the pin a rollback left (projection_live_versions).
 */
export async function readVersionState(db: Queryable, namespace: string, projection: string): Promise<VersionState> {
  const schema = quoteIdentifier(namespace);
  const { view } = projectionTableNames(projection, 1);
  const { rows } = await db.query(
    `SELECT (SELECT array_agg(c.relname::text) FROM pg_rewrite r
               JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass
               JOIN pg_class c ON c.oid = d.refobjid AND c.oid <> r.ev_class AND c.relkind IN ('r', 'p')
              WHERE r.ev_class = to_regclass($2)) AS read_tables,
            (SELECT array_agg(version ORDER BY version) FROM ${schema}.projection_checkpoints
              WHERE projection = $1 AND slot = 'live' AND to_regclass($3 || '.' || quote_ident($4 || '_v' || version)) IS NOT NULL) AS versions,
            (SELECT json_build_object('version', version, 'rolledBackFrom', rolled_back_from) FROM ${schema}.projection_live_versions WHERE projection = $1) AS pin`,
    [projection, `${schema}.${quoteIdentifier(view)}`, schema, view],
  );
  const read = ((rows[0].read_tables as string[] | null) ?? []).map((t) => new RegExp(`^${view}_v(\\d+)$`).exec(t)).find((m) => m !== null);
  const reading = read ? Number(read[1]) : undefined;
  let retiredKept = false;
  if (reading !== undefined) {
    const retired = `${schema}.${quoteIdentifier(`${projectionTableNames(projection, reading).table}__old`)}`;
    retiredKept = (await db.query('SELECT to_regclass($1) IS NOT NULL AS kept', [retired])).rows[0].kept === true;
  }
  return { reading, retiredKept, versions: ((rows[0].versions as number[] | null) ?? []).map(Number), pin: (rows[0].pin as VersionPin | null) ?? undefined };
}

/** Pins readers on `pin.version` (a rollback), inside the caller's transaction. */
export async function pinVersionIn(client: PoolClient, namespace: string, projection: string, pin: VersionPin): Promise<void> {
  await client.query(
    `INSERT INTO ${quoteIdentifier(namespace)}.projection_live_versions (projection, version, rolled_back_from) VALUES ($1, $2, $3)
     ON CONFLICT (projection) DO UPDATE SET version = EXCLUDED.version, rolled_back_from = EXCLUDED.rolled_back_from, pinned_at = now()`,
    [projection, pin.version, pin.rolledBackFrom],
  );
}

/** Removes the pin: the newest caught-up version takes the readers again, inside the caller's transaction. */
export async function unpinVersionIn(client: PoolClient, namespace: string, projection: string): Promise<void> {
  await client.query(`DELETE FROM ${quoteIdentifier(namespace)}.projection_live_versions WHERE projection = $1`, [projection]);
}

/**
 * Whether some node holds a live lease on `subject` (an agent key): not released, not expired.
 * Only leases per version (distributed mode) say which versions run; under HotCold none is live.
 */
export async function leaseLive(db: Queryable, namespace: string, subject: string): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM ${quoteIdentifier(namespace)}.projection_leases WHERE projection = $1 AND expires_at > now() AND agent IS NOT NULL`, [subject]);
  return rows.length > 0;
}
