/**
 * Read models live in one table per projection *and version*, so a new version can be built
 * beside the live one; readers use a view with the projection's stable name that points at the
 * live version, and switching versions is one `CREATE OR REPLACE VIEW`.
 */
export interface ProjectionTableNames {
  /** The versioned table, e.g. `car_view_v3`. */
  readonly table: string;
  /** The stable name readers use, e.g. `car_view`. */
  readonly view: string;
}

const MAX_IDENTIFIER = 63;

export function projectionTableNames(projectionName: string, version: number): ProjectionTableNames {
  if (!Number.isInteger(version) || version < 1) throw new RangeError(`Projection version must be an integer >= 1 (got ${version})`);
  const view = projectionName
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toLowerCase()
    .replace(/^_+|_+$/g, '');
  if (!/^[a-z]/.test(view)) throw new RangeError(`Projection name must start with a letter (got "${projectionName}")`);
  const table = `${view}_v${version}`;
  if (table.length > MAX_IDENTIFIER) throw new RangeError(`Projection table name "${table}" is longer than ${MAX_IDENTIFIER} characters`);
  return { table, view };
}
