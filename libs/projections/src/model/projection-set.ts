import { ProjectionRegistrationError } from './projection-registration.error';
import { projectionTableNames } from './projection-table';

/**
 * Checks projections registered together (one daemon, one app) before any table is touched:
 * each fits PostgreSQL's identifier limit, and no two of them derive the same table or view,
 * as `CarView` and `car-view` would (both `car_view`): they would silently write one table.
 * Index names are not derived here: PostgreSQL chooses them, within its limit.
 */
export function checkProjectionSet(projections: readonly { readonly name: string; readonly version: number }[]): void {
  const owners = new Map<string, string>();
  for (const projection of projections) {
    const { view, table, rebuildTable } = projectionTableNames(projection.name, projection.version);
    for (const identifier of [view, table, rebuildTable]) {
      const owner = owners.get(identifier);
      if (owner !== undefined) {
        throw new ProjectionRegistrationError(
          'PROJECTION_TABLES_SHARED',
          [owner, projection.name],
          `Projections "${owner}" and "${projection.name}" both use "${identifier}" in PostgreSQL (names are lower-cased with words joined by "_"); rename one of them.`,
        );
      }
      owners.set(identifier, projection.name);
    }
  }
}
