import { EventStore, FeedHead, FeedHoldBack, readFeedHoldBack } from '@projectionist/event-store';
import { Pool } from 'pg';
import { AgentLogger } from '../agent/projection-agent';
import { FeedView } from './feed-lag';
import { describeHoldBack, watchHoldBack } from './hold-back-warning';

export interface FeedHealthOptions {
  readonly pool: Pool;
  readonly store: Pick<EventStore, 'readHead'>;
  readonly namespace: string;
  readonly logger: AgentLogger;
  /** Log a warning once the feed has been held back this long. */
  readonly warnAfterMs: number;
}

/**
 * The head of the feed and, when committed events wait behind the readable horizon, the
 * session that holds it back. Refreshed with the daemon's progress (about once a second), never
 * per read: pg_stat_activity is only consulted while events wait.
 */
export class FeedHealth implements FeedView {
  head: FeedHead | undefined;
  heldBack: FeedHoldBack | null = null;
  private warnedHorizon: number | undefined;

  constructor(private readonly options: FeedHealthOptions) {}

  async refresh(): Promise<void> {
    const head = await this.options.store.readHead();
    const waiting = head.lastCursor.transactionId >= head.readableCursor.transactionId;
    this.heldBack = waiting ? await readFeedHoldBack(this.options.pool, this.options.namespace) : null;
    this.head = head;
    const { warnedHorizon, notice } = watchHoldBack(this.warnedHorizon, this.heldBack, this.options.warnAfterMs);
    this.warnedHorizon = warnedHorizon;
    if (notice?.kind === 'warn') {
      const { holder, otherHolders, ...waiting } = notice.heldBack;
      const otherPids = otherHolders.map((o) => o.pid);
      this.options.logger.warn({ msg: 'feed held back', ...waiting, ...holder, otherPids, detail: describeHoldBack(notice.heldBack) }, 'ProjectionDaemon');
    } else if (notice?.kind === 'cleared') {
      this.options.logger.log({ msg: 'feed no longer held back', horizon: notice.horizon }, 'ProjectionDaemon');
    }
  }

  /** Forgets what was seen: a stopped daemon reports nothing it no longer watches. */
  clear(): void {
    this.heldBack = null;
    this.warnedHorizon = undefined;
  }
}
