/** Randomised, so standbys do not all knock at the same moment after a failover. */
export function standbyRetryDelayMs(minMs: number, maxMs: number, random: () => number = Math.random): number {
  return Math.round(minMs + random() * (maxMs - minMs));
}
