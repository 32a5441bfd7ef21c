/**
 * Pure: which version of a projection readers read, as the versions running side by side in a
 * rolling deployment decide it. Every version builds and updates its own table; only the stable
 * view is shared, and these rules say who may move it.
 */

/** A rollback to an older version: readers stay on `version`; versions up to `rolledBackFrom` leave the view alone. */
export interface VersionPin {
  readonly version: number;
  readonly rolledBackFrom: number;
}

/**
 * May the agent of `version`, once caught up, point the view at its table on its own? Only a
 * newer version than the one readers read (an older one never takes the readers back by itself),
 * and not one a rollback left (`pin`): a version deployed after the rollback may. With no view
 * yet, the first version to start creates it.
 */
export function mayTakeReaders(version: number, reading: number | undefined, pin: VersionPin | undefined): boolean {
  if (reading === undefined) return true;
  if (version <= reading) return false;
  return !pin || version > pin.rolledBackFrom;
}

/** What a rollback request does, and which version's lease holder does it. */
export type RollbackPlan =
  /** The live version has the table its last online rebuild replaced: the two change places (a second rollback undoes it). */
  | { readonly kind: 'rebuild'; readonly by: number }
  /** Readers go back to the previous version's table, pinned there. */
  | { readonly kind: 'version'; readonly by: number; readonly from: number }
  /** A version rollback undone: readers go forward again to the version it left, and the pin goes. */
  | { readonly kind: 'undo'; readonly by: number; readonly from: number }
  /** Nothing to go back to: the live version's holder says so. */
  | { readonly kind: 'none'; readonly by: number | undefined };

export interface VersionState {
  /** The version whose table the view reads; undefined without a view. */
  readonly reading: number | undefined;
  /** The live version's table retired by an online rebuild is kept. */
  readonly retiredKept: boolean;
  /** Versions with a live checkpoint and a table. */
  readonly versions: readonly number[];
  readonly pin: VersionPin | undefined;
}

/**
 * The most recent change is what a rollback undoes: an online rebuild's switch while its previous
 * table is kept, else the last version switch (to the newest older version that has a table),
 * and after a version rollback, that rollback.
 */
export function rollbackPlan(state: VersionState): RollbackPlan {
  const { reading, retiredKept, versions, pin } = state;
  if (reading === undefined) return { kind: 'none', by: undefined };
  if (retiredKept) return { kind: 'rebuild', by: reading };
  if (pin && pin.version === reading && versions.includes(pin.rolledBackFrom)) return { kind: 'undo', by: pin.rolledBackFrom, from: reading };
  const older = versions.filter((v) => v < reading);
  if (older.length === 0) return { kind: 'none', by: reading };
  return { kind: 'version', by: Math.max(...older), from: reading };
}
