import { EventStore } from '../model/event-store.port';
import { compareCursors, FeedCursor, hasReached } from '../model/feed-cursor';
import { FeedPage, ReadAllOptions } from '../model/feed-page';
import { FeedReadAhead } from './feed-read-ahead';
import { WakeSignal } from './wake-signal';

export interface FeedFollowerOptions {
  readonly store: Pick<EventStore, 'readAll'>;
  /** Where to start, usually the consumer's stored checkpoint. */
  readonly from: FeedCursor;
  /**
   * Called with each page that moves the cursor, in feed order, one at a time (pages without
   * events too: a filtered feed moves past events of other types, and a checkpoint may follow).
   * Storing `page.next` as the checkpoint together with the page's effects makes the consumer
   * exactly-once. The follower reads no further until it returns, so a handler that waits is
   * backpressure.
   */
  readonly handle: (page: FeedPage) => void | Promise<void>;
  readonly pageSize?: number;
  /**
   * After a full page (a backlog), read pages this way instead until caught up: a consumer
   * catching up reads as a rebuild does. The page in flight when it catches up may still be one.
   */
  readonly whileBehind?: { readonly pageSize: number; readonly encoding?: ReadAllOptions['encoding'] };
  readonly types?: readonly string[];
  readonly categories?: readonly string[];
  /** Only this partition of the streams, only up to this cursor (see ReadAllOptions). */
  readonly partition?: ReadAllOptions['partition'];
  readonly upTo?: ReadAllOptions['upTo'];
  /** How pages travel (see ReadAllOptions); default rows. */
  readonly encoding?: ReadAllOptions['encoding'];
  /** Fallback when no notification arrives (lost while disconnected); default 1000 ms. */
  readonly pollIntervalMs?: number;
  /** Wake-ups from FeedNotifications; without it the follower only polls. */
  readonly wake?: WakeSignal;
  /** Caught up, the least time between the end of one read and the next; default 0. */
  readonly readGapMs?: number;
  /**
   * Ends the follower (resolving `done`) once it is caught up and has passed this cursor; a feed
   * held back by another session's open transaction looks caught up before events up to it are
   * readable. With `reached`, it ends once its cursor has reached that one, caught up or not
   * (an online rebuild's last steps up to where the live agent stopped). Without it the follower
   * runs until stopped.
   */
  readonly until?: { readonly caughtUpPast: FeedCursor } | { readonly reached: FeedCursor };
  /**
   * Failed reads (the database restarting) are retried after `delayMs(failures)`, and reported;
   * without it a failed read ends the follower and rejects `done`.
   */
  readonly retryReads?: { delayMs(failures: number): number; onFailure(error: Error, failures: number): void };
  /** Called each time the follower has read everything readable and is about to wait for more. */
  readonly onCaughtUp?: () => void;
}

/** How soon to read again when committed events wait behind an older open transaction. */
export const PENDING_RETRY_MS = 20;

/**
 * Follows the feed page by page from a cursor: the one reader of the feed that every consumer
 * (projection agents, rebuilds, reactors) runs on. While behind it keeps the next pages on their
 * way (FeedReadAhead); caught up it sleeps until woken by a notification or the poll interval.
 */
export class FeedFollower {
  private cursor: FeedCursor;
  private stopped = false;
  private lastCaughtUp = false;
  private readonly wake: WakeSignal;
  /** Retry and read-gap waits, apart from `wake` (a WakeSignal wakes one waiter). */
  private readonly sleeper = new WakeSignal();
  readonly done: Promise<void>;

  constructor(private readonly options: FeedFollowerOptions) {
    this.cursor = options.from;
    this.wake = options.wake ?? new WakeSignal();
    this.done = this.run();
  }

  get position(): FeedCursor {
    return this.cursor;
  }

  /** The last read found nothing more readable. */
  get caughtUp(): boolean {
    return this.lastCaughtUp;
  }

  /** Ends the follower at its next wait or read; a handler in progress finishes first. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake.notify();
    this.sleeper.notify();
    await this.done.catch(() => undefined);
  }

  private async run(): Promise<void> {
    await Promise.resolve();
    const { store, pageSize, types, categories, encoding, until, whileBehind, partition, upTo } = this.options;
    // Set as each page arrives, before the read ahead asks for the next one.
    let behind = false;
    const reads = new FeedReadAhead(async (after) => {
      const page = await (behind && whileBehind
        ? store.readAll({ after, limit: whileBehind.pageSize, types, categories, encoding: whileBehind.encoding, partition, upTo })
        : store.readAll({ after, limit: pageSize, types, categories, encoding, partition, upTo }));
      behind = !page.caughtUp;
      return page;
    });
    let failures = 0;
    const reached = until && 'reached' in until ? until.reached : undefined;
    try {
      while (!this.stopped) {
        if (reached && hasReached(this.cursor, reached)) return;
        let page: FeedPage;
        try {
          page = await reads.next(this.cursor);
          failures = 0;
        } catch (error) {
          const retry = this.options.retryReads;
          if (!retry) throw error;
          reads.clear();
          failures++;
          retry.onFailure(error as Error, failures);
          await this.sleeper.wait(retry.delayMs(failures));
          continue;
        }
        if (this.stopped) return;
        if (page.count > 0 || compareCursors(page.next, this.cursor) !== 0) await this.options.handle(page);
        this.cursor = page.next;
        this.lastCaughtUp = page.caughtUp;
        if (!page.caughtUp) continue;
        if (until && 'caughtUpPast' in until && hasReached(page.next, until.caughtUpPast)) return;
        this.options.onCaughtUp?.();
        await this.waitForMore(page.pending === true);
      }
    } finally {
      reads.clear();
    }
  }

  private async waitForMore(pending: boolean): Promise<void> {
    const { pollIntervalMs = 1000, readGapMs = 0 } = this.options;
    const readAt = Date.now();
    await this.wake.wait(pending ? PENDING_RETRY_MS : pollIntervalMs);
    // One read then takes what the commits of the whole gap wrote.
    const rest = readGapMs - (Date.now() - readAt);
    if (rest > 0 && !this.stopped) await this.sleeper.wait(rest);
  }
}
