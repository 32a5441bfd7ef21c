import { FeedCursor, RecordedEvent } from '@projectionist/event-store';

export interface StagedPage {
  readonly events: readonly RecordedEvent[];
  readonly next: FeedCursor;
}

/** Pages fetched but not yet applied; `staged` counts their events for backpressure. */
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
    this.count += page.events.length;
  }

  /** Takes whole pages until at least `maxEvents` events (always at least one page). */
  take(maxEvents: number): StagedPage | undefined {
    if (this.pages.length === 0) return undefined;
    const events: RecordedEvent[] = [];
    let next = this.pages[0].next;
    while (this.pages.length > 0 && (events.length === 0 || events.length + this.pages[0].events.length <= maxEvents)) {
      const page = this.pages.shift() as StagedPage;
      for (const event of page.events) events.push(event);
      next = page.next;
      this.count -= page.events.length;
    }
    return { events, next };
  }
}
