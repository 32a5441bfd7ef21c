import { ProjectionRegistrationError } from './projection-registration.error';

/**
 * Read models live in one table per projection *and version*, so a new version can be built
 * beside the live one; readers use a view with the projection's stable name that points at the
 * live version, and switching versions is one `CREATE OR REPLACE VIEW`.
 */
export interface ProjectionTableNames {
  /** The versioned table, e.g. `car_view_v3`. */
  readonly table: string;
  /** The table a rebuild fills beside the live one, e.g. `car_view_v3__rebuild`. */
  readonly rebuildTable: string;
  /** The stable name readers use, e.g. `car_view`. */
  readonly view: string;
}

/**
 * PostgreSQL silently truncates longer identifiers (NAMEDATALEN - 1 bytes), so two names that
 * differ only past the limit would be one table: a rebuild would drop the live table.
 */
export const MAX_IDENTIFIER_BYTES = 63;

const REBUILD_SUFFIX = '__rebuild';

export function projectionTableNames(projectionName: string, version: number): ProjectionTableNames {
  if (!Number.isInteger(version) || version < 1) throw new RangeError(`Projection version must be an integer >= 1 (got ${version})`);
  const view = projectionName
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toLowerCase()
    .replace(/^_+|_+$/g, '');
  if (!/^[a-z]/.test(view)) throw new RangeError(`Projection name must start with a letter (got "${projectionName}")`);
  const table = `${view}_v${version}`;
  const names = { table, rebuildTable: `${table}${REBUILD_SUFFIX}`, view };
  // The rebuild table is the longest; names are ASCII by now, so characters are bytes.
  if (names.rebuildTable.length > MAX_IDENTIFIER_BYTES) {
    const longestView = MAX_IDENTIFIER_BYTES - (names.rebuildTable.length - view.length);
    throw new ProjectionRegistrationError(
      'PROJECTION_NAME_TOO_LONG',
      [projectionName],
      `Projection "${projectionName}" v${version}: its rebuild table "${names.rebuildTable}" is ${names.rebuildTable.length} bytes; ` +
        `PostgreSQL keeps ${MAX_IDENTIFIER_BYTES} and would truncate it. Shorten the name to at most ${longestView} characters as a table name ("${view}" has ${view.length}).`,
    );
  }
  return names;
}
