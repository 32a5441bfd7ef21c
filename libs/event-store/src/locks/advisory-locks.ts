/**
 * Every PostgreSQL advisory lock the product takes, one key space (class id) per kind.
 *
 * Each lock is the two-key form `pg_advisory_*(class id, hashtext(key))`: with one hashed key for
 * every kind, a stream named `daemon` had the HotCold daemon's lock, and an append to it waited
 * for as long as the daemon ran. No lock may use the one-bigint form, whose key overlaps these.
 * The class ids start at 'PRJ\0' to keep clear of other applications' small ids in a shared database.
 */
const CLASS_BASE = 0x50524a00;

export const ADVISORY_LOCK_CLASS = {
  /** A stream, held by its append's transaction; key: `<namespace>:<stream id>`. */
  stream: CLASS_BASE + 1,
  /** A leader election (the daemon's active worker, the coordinator); key: `<namespace>:<role>`. */
  election: CLASS_BASE + 2,
  /** Running migrations; key: the namespace. */
  migrations: CLASS_BASE + 3,
  /** Creating and swapping a projection's tables; key: `<namespace>:<projection name>`. */
  projectionDdl: CLASS_BASE + 4,
} as const;

export type AdvisoryLockKind = keyof typeof ADVISORY_LOCK_CLASS;

/** The two arguments of `pg_advisory_*(int4, int4)` as SQL: the kind's class id and `hashtext(<keySql>)`. */
export function advisoryLockArgs(kind: AdvisoryLockKind, keySql: string): string {
  return `${ADVISORY_LOCK_CLASS[kind]}, hashtext(${keySql})`;
}
