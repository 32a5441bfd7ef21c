export interface BackpressureLimits {
  /** Pause fetching when more events than this are staged. */
  readonly high: number;
  /** Resume once fewer than this are staged. */
  readonly low: number;
}

export const DEFAULT_BACKPRESSURE: BackpressureLimits = { high: 1_000, low: 500 };

/** Hysteresis keeps a slow projection from toggling the fetcher on every page. */
export function shouldPauseFetching(staged: number, paused: boolean, limits: BackpressureLimits): boolean {
  return paused ? staged >= limits.low : staged > limits.high;
}
