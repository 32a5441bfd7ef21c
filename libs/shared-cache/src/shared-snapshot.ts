import type { RebuildStateSnapshot } from '@projectionist/rebuild-state';

/**
 * A snapshot as read from the shared store or a broadcast, or undefined for anything else (gone,
 * written by an older node without a version, damaged): the caller then reads the durable state.
 */
export function sharedSnapshot(value: unknown): RebuildStateSnapshot | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { version, runs } = value as Partial<RebuildStateSnapshot>;
  return Number.isSafeInteger(version) && Array.isArray(runs) ? { version: version as number, runs } : undefined;
}

/** Whether a received snapshot may replace the one held: never by an older one (broadcasts can cross). */
export function isNewer(received: RebuildStateSnapshot, held: RebuildStateSnapshot | undefined): boolean {
  return held === undefined || received.version >= held.version;
}

/** `fallback` as decided by RebuildBoardPort: the shared snapshot only when it is the durable version. */
export async function loadVerified(
  readShared: () => Promise<unknown>,
  durable: { fallback: () => Promise<RebuildStateSnapshot>; version: () => Promise<number> },
): Promise<RebuildStateSnapshot> {
  // An unreadable shared store is no reason to fail: the durable state answers.
  const [shared, version] = await Promise.all([readShared().then(sharedSnapshot, () => undefined), durable.version()]);
  return shared?.version === version ? shared : durable.fallback();
}
