/**
 * Keeps a consumer at or under `eventsPerSecond` on average since its first page: each page is
 * let through once the time the events before it were due has come. An online rebuild shares
 * the machine with the writes it must not slow; capped, it takes longer and leaves them room.
 */
export class Pacer {
  private startedAt: number | undefined;
  private events = 0;

  constructor(private readonly eventsPerSecond: number) {
    if (!(eventsPerSecond > 0)) throw new RangeError(`eventsPerSecond must be positive (got ${eventsPerSecond})`);
  }

  /** How long to wait before applying a page of `count` events, at `now` (ms). */
  delayFor(count: number, now: number): number {
    this.startedAt ??= now;
    const due = this.startedAt + (this.events * 1000) / this.eventsPerSecond;
    this.events += count;
    return Math.max(0, due - now);
  }
}
