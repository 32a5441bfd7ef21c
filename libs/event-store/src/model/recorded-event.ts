/** Metadata carried by every event; free-form keys are kept as they are. */
export interface EventMetadata {
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly tenant?: string;
  readonly user?: string;
  /** Shape version of `data`, read by upcasters. Absent means 1. */
  readonly schemaVersion?: number;
  readonly [key: string]: unknown;
}

/** An event as handed to `append`. */
export interface NewEvent<TData = unknown> {
  /** UUID; generated when absent. Re-appending the same ids to the same stream is an idempotent no-op. */
  readonly id?: string;
  readonly type: string;
  readonly data: TData;
  readonly metadata?: EventMetadata;
}

/** An event as stored. */
export interface RecordedEvent<TData = unknown> {
  readonly id: string;
  readonly streamId: string;
  /** 1-based position of the event within its stream. */
  readonly streamVersion: number;
  /** Global position, unique and increasing in the order positions were handed out (not commit order). */
  readonly position: number;
  /** Id of the writing transaction; with `position` it orders the feed in commit order (see FeedCursor). */
  readonly transactionId: number;
  readonly category: string;
  readonly type: string;
  readonly data: TData;
  readonly metadata: EventMetadata;
  readonly createdAt: Date;
}

export type ExpectedVersion = number | 'any' | 'no_stream' | 'stream_exists';

export interface AppendOptions {
  readonly expectedVersion?: ExpectedVersion;
}

export interface AppendResult {
  readonly streamId: string;
  /** The stream's version after the append (the version of its last event). */
  readonly nextExpectedVersion: number;
  /** Global positions of the appended events, in the order given. */
  readonly positions: readonly number[];
  /** The feed cursor of the last appended event: a reader whose checkpoint reaches it has seen the append. */
  readonly lastCursor: { readonly transactionId: number; readonly position: number };
  /** True when every event id was already in the stream and nothing was written. */
  readonly idempotent: boolean;
}
