import { carViewProjection, Projection, sampleProjections } from '@projectionist/projections';

/**
 * The two releases of CarView in the canonical rebuild scenario (a projection that missed
 * customer renames, then fixed), for workers built as separate releases: the blue/green rollout
 * across processes runs one build of each side by side.
 */
const releases = {
  /** Version 1: never listened to `customer.renamed`, so a car keeps the name its buyer had at the sale. */
  'car-view-v1': { ...carViewProjection, version: 1, eventTypes: carViewProjection.eventTypes.filter((t) => t !== 'customer.renamed') },
  /** Version 2: the fix, rebuilt from the start of the feed in its own table. */
  'car-view-v2': { ...carViewProjection, version: 2 },
} satisfies Record<string, Projection>;

export type CarViewRelease = keyof typeof releases;

/** The worker's projections with CarView as this release has it. */
export function projectionsOf(release: CarViewRelease): readonly Projection[] {
  return sampleProjections.map((p) => (p.name === carViewProjection.name ? releases[release] : p));
}
