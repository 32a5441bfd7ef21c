import { EventStore, FeedCursor } from '@projectionist/event-store';

export class PositionNotFoundError extends Error {
  constructor(readonly position: number) {
    super(`There is no event at position ${position}`);
    this.name = 'PositionNotFoundError';
  }
}

export interface WaitUntilReached {
  /** The event to wait for; default everything committed when called. */
  readonly position?: number;
  readonly timeoutMs: number;
  /** Who has not applied `target` yet (names), empty when all have. */
  behind(target: FeedCursor): readonly string[] | Promise<readonly string[]>;
  /** Waits before looking again, at most `ms` (a commit wake-up, or a short poll). */
  pause(ms: number): Promise<void>;
  /** The error for a timeout, given who is still behind. */
  timedOut(behind: readonly string[]): Error | Promise<Error>;
}

/**
 * Read-your-writes, whoever asks: the daemon about its own agents, the gateway about the
 * checkpoints the workers wrote. Resolves once nobody is behind the event at `position`.
 */
export async function waitUntilReached(store: Pick<EventStore, 'cursorOf' | 'readHead'>, wait: WaitUntilReached): Promise<void> {
  const target = wait.position === undefined ? (await store.readHead()).lastCursor : await store.cursorOf(wait.position);
  if (!target) {
    if (wait.position !== undefined) throw new PositionNotFoundError(wait.position);
    return; // an empty feed: nothing to wait for
  }
  const deadline = Date.now() + wait.timeoutMs;
  for (;;) {
    const behind = await wait.behind(target);
    if (behind.length === 0) return;
    if (Date.now() >= deadline) throw await wait.timedOut(behind);
    await wait.pause(Math.max(1, deadline - Date.now()));
  }
}
