import { EventStore } from '../model/event-store.port';
import { FeedCursor } from '../model/feed-cursor';
import { FeedPage } from '../model/feed-page';
import { WakeSignal } from './wake-signal';

export interface FeedFollowerOptions {
  readonly store: Pick<EventStore, 'readAll'>;
  /** Where to start, usually the consumer's stored checkpoint. */
  readonly from: FeedCursor;
  /**
   * Called with each non-empty page, in feed order, one at a time. Storing `page.next` as the
   * checkpoint together with the page's effects makes the consumer exactly-once.
   */
  readonly handle: (page: FeedPage) => Promise<void>;
  readonly pageSize?: number;
  readonly types?: readonly string[];
  readonly categories?: readonly string[];
  /** Fallback when no notification arrives (lost while disconnected); default 1000 ms. */
  readonly pollIntervalMs?: number;
  /** Wake-ups from FeedNotifications; without it the follower only polls. */
  readonly wake?: WakeSignal;
}

/** How soon to read again when committed events wait behind an older open transaction. */
export const PENDING_RETRY_MS = 20;

/** Follows the feed page by page from a cursor until stopped; errors stop it and reject `done`. */
export class FeedFollower {
  private cursor: FeedCursor;
  private stopped = false;
  private readonly wake: WakeSignal;
  readonly done: Promise<void>;

  constructor(private readonly options: FeedFollowerOptions) {
    this.cursor = options.from;
    this.wake = options.wake ?? new WakeSignal();
    this.done = this.run();
  }

  get position(): FeedCursor {
    return this.cursor;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake.notify();
    await this.done.catch(() => undefined);
  }

  private async run(): Promise<void> {
    await Promise.resolve();
    while (!this.stopped) {
      const page = await this.options.store.readAll({
        after: this.cursor,
        limit: this.options.pageSize,
        types: this.options.types,
        categories: this.options.categories,
      });
      if (this.stopped) return;
      if (page.events.length > 0) await this.options.handle(page);
      this.cursor = page.next;
      if (page.caughtUp) await this.wake.wait(page.pending ? PENDING_RETRY_MS : (this.options.pollIntervalMs ?? 1000));
    }
  }
}
