import { FeedCursor, RecordedEvent } from '@projectionist/event-store';

export interface StagedPage {
  /** Decoded on first access (see FeedPage.events): staged pages wait as the text they arrived in. */
  readonly events: readonly RecordedEvent[];
  readonly count: number;
  readonly next: FeedCursor;
}

/**
 * Pages fetched but not yet applied; `staged` counts their events for backpressure. Pages stay
 * undecoded until taken: a page decoded just before it is applied is garbage soon after, where
 * thousands of events decoded ahead would outlive young-generation collections and be copied
 * and promoted on the way.
 */
export class StagingQueue {
  private readonly pages: StagedPage[] = [];
  private count = 0;

  get staged(): number {
    return this.count;
  }

  get isEmpty(): boolean {
    return this.pages.length === 0;
  }

  push(page: StagedPage): void {
    this.pages.push(page);
    this.count += page.count;
  }

  /** Takes whole pages until at least `maxEvents` events (always at least one page). */
  take(maxEvents: number): StagedPage | undefined {
    if (this.pages.length === 0) return undefined;
    if (this.pages.length === 1 || this.pages[0].count + this.pages[1].count > maxEvents) {
      const page = this.pages.shift() as StagedPage;
      this.count -= page.count;
      return page;
    }
    const events: RecordedEvent[] = [];
    let next = this.pages[0].next;
    while (this.pages.length > 0 && (events.length === 0 || events.length + this.pages[0].count <= maxEvents)) {
      const page = this.pages.shift() as StagedPage;
      for (const event of page.events) events.push(event);
      next = page.next;
      this.count -= page.count;
    }
    return { events, count: events.length, next };
  }
}
