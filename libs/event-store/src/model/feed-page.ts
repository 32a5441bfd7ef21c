import { FeedCursor } from './feed-cursor';
import { RecordedEvent } from './recorded-event';

export interface ReadAllOptions {
  /** Read events after this cursor; default the start of the feed. */
  readonly after?: FeedCursor;
  /** Largest number of events in the page; default 500. */
  readonly limit?: number;
  /** Only events of these types (the cursor still moves past the others). */
  readonly types?: readonly string[];
  /** Only events of streams in these categories. */
  readonly categories?: readonly string[];
  /**
   * How the page travels from the database: `rows` (default), one row per event; or `json`,
   * the database packs the page into one JSON document that a single native parse decodes. The
   * events are the same either way; `json` moves decoding work from this process to the database,
   * which pays off in long replays where this process's one thread is the bottleneck.
   * Stores without a wire format ignore it.
   */
  readonly encoding?: 'rows' | 'json';
  /**
   * Only events of the streams in this partition: a stable hash of the stream id modulo `count`
   * equals `index`. The partitions of one count split the feed by stream, each stream's events
   * in one of them, in feed order (a partitioned rebuild gives each to its own reader).
   */
  readonly partition?: StreamPartition;
  /** Only events up to this cursor, included (a partition's build stops at the rebuild's target). */
  readonly upTo?: FeedCursor;
}

/** Partition `index` of `count` (0 ≤ index < count) of the feed's streams. */
export interface StreamPartition {
  readonly index: number;
  readonly count: number;
}

export interface FeedPage {
  /**
   * A `json`-encoded page decodes its events on first access: a reader can start reading the
   * next page (from `next`) first, and the database works on it while this one is decoded.
   */
  readonly events: readonly RecordedEvent[];
  /** How many events the page holds, known without decoding them. */
  readonly count: number;
  /**
   * Where the next read starts. It can be past the last returned event when the page was not
   * full: everything committed up to it has been seen, including events filtered out.
   */
  readonly next: FeedCursor;
  /** True when the page was not full: the reader is caught up with what is readable. */
  readonly caughtUp: boolean;
  /**
   * Caught up, but committed events exist that are not readable yet because an older transaction
   * (anywhere in the database cluster) is still open. Read again shortly instead of waiting for
   * the next notification: the one for those events has already been sent.
   */
  readonly pending: boolean;
  /**
   * Where the page after the next one starts, when the next page is full (`json` pages only): a
   * reader may read both at once.
   */
  readonly afterNext?: FeedCursor;
}
