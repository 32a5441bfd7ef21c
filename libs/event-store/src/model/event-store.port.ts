import { FeedPage, ReadAllOptions, StreamPartition } from './feed-page';
import { AppendOptions, AppendResult, NewEvent, RecordedEvent } from './recorded-event';
import { FeedCursor } from './feed-cursor';

/** What one transaction can do; `EventStore.transaction` hands it out. */
export interface EventStoreSession {
  append(streamId: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;
}

export interface EventStore extends EventStoreSession {
  readStream(streamId: string, fromVersion?: number): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<FeedPage>;
  /** The last global position handed out and the cursor up to which the feed is readable. */
  readHead(): Promise<FeedHead>;
  /** The feed cursor of the event at a global position, or undefined when there is none. */
  cursorOf(position: number): Promise<FeedCursor | undefined>;
  /**
   * How many committed events have one of `types` (none for an empty list), e.g. the total a
   * rebuild replays; with `upTo`, only those a reader at that cursor has read (what a resumed
   * rebuild has processed); with `partition`, only those of its streams (see ReadAllOptions).
   */
  countEvents(types: readonly string[], upTo?: FeedCursor, partition?: StreamPartition): Promise<number>;
  /**
   * Runs `work` in one database transaction (e.g. appends plus inline projection writes).
   * `work` may run more than once: it is retried when a StreamOrderConflictError shows that
   * committing would break a stream's order in the feed.
   */
  transaction<T>(work: (session: EventStoreSession) => Promise<T>): Promise<T>;
}

export interface FeedHead {
  /** Highest committed global position; 0 for an empty store. */
  readonly lastPosition: number;
  /** Everything before this cursor is committed and readable; nothing can appear before it later. */
  readonly readableCursor: FeedCursor;
  /**
   * The cursor of the last committed event in feed order (FEED_START when empty). It can be past
   * `readableCursor` while older transactions are still open; a reader that reaches it has seen
   * every event committed when readHead was called.
   */
  readonly lastCursor: FeedCursor;
}
