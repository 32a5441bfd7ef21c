import { compareCursors, FeedCursor } from '../model/feed-cursor';
import { FeedPage } from '../model/feed-page';

/** At most this many pages on their way while the current one is decoded and applied. */
const MAX_READS_AHEAD = 2;

interface ReadInFlight {
  readonly after: FeedCursor;
  readonly page: Promise<FeedPage>;
}

/**
 * Keeps the next pages of the feed on their way while the current one is decoded and applied:
 * the next page as soon as a full page arrives (its `next` is known before its events are
 * decoded), and the one after it when the page says where that starts (`afterNext`). Pages are
 * handed out strictly in cursor order, and a read is only used for the cursor it was started
 * from, so the pages are exactly those a serial reader would get.
 */
export class FeedReadAhead {
  private reads: ReadInFlight[] = [];

  constructor(private readonly read: (after: FeedCursor) => Promise<FeedPage>) {}

  /** The page after `cursor`: one read ahead earlier, or read now. */
  async next(cursor: FeedCursor): Promise<FeedPage> {
    if (this.reads.length === 0 || compareCursors(this.reads[0].after, cursor) !== 0) this.reads = [this.start(cursor)];
    const page = await (this.reads.shift() as ReadInFlight).page;
    this.planAfter(page);
    return page;
  }

  /** Drops the reads in flight: after a failed read, or when the reader stops. */
  clear(): void {
    this.reads = [];
  }

  private planAfter(page: FeedPage): void {
    // A short page is the head: what follows is not written yet.
    if (page.caughtUp) return this.clear();
    if (this.reads.length === 0 || compareCursors(this.reads[0].after, page.next) !== 0) this.reads = [this.start(page.next)];
    if (page.afterNext && this.reads.length < MAX_READS_AHEAD) this.reads.push(this.start(page.afterNext));
  }

  private start(after: FeedCursor): ReadInFlight {
    const page = this.read(after);
    // Observed by `next`, or dropped unobserved by `clear`.
    page.catch(() => undefined);
    return { after, page };
  }
}
