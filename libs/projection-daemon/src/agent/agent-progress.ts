/** Below one event in 100 s a smoothed rate is only the tail of its decay, not a rate. */
export const MIN_EVENTS_PER_SECOND = 0.01;

/** Events per second, smoothed over recent commits, so a single large batch does not spike it. */
export class RateMeter {
  private rate = 0;
  private last: number | undefined;

  constructor(private readonly halfLifeMs = 5_000) {}

  record(events: number, now = Date.now()): void {
    if (this.last === undefined) {
      this.last = now;
      return;
    }
    const elapsed = Math.max(1, now - this.last);
    const weight = 1 - 2 ** (-elapsed / this.halfLifeMs);
    this.rate = this.rate + weight * ((events * 1000) / elapsed - this.rate);
    this.last = now;
  }

  perSecond(now = Date.now()): number {
    if (this.last === undefined) return 0;
    // Decays toward zero while nothing is committed; the decay never reaches it, and an idle
    // projection would report rates like 3.47e-30, so below the floor it is 0.
    const rate = this.rate * 2 ** (-Math.max(0, now - this.last - 1000) / this.halfLifeMs);
    return rate < MIN_EVENTS_PER_SECOND ? 0 : rate;
  }
}

/** Remaining time for `remaining` events at `perSecond`; undefined when unknown. */
export function etaMs(remaining: number, perSecond: number): number | undefined {
  if (remaining <= 0) return 0;
  return perSecond > 0 ? Math.round((remaining / perSecond) * 1000) : undefined;
}
