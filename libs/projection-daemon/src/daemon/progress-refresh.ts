/**
 * Apart from the daemon because it runs on a timer of its own and must never stop the agents:
 * what a node publishes while it runs (the head of the feed and what holds it back, the progress
 * of the projections it runs, for other apps), and, on the same tick, the drop of the tables
 * online rebuilds retired once they were kept long enough. A failed round is logged; the next
 * one tries again.
 */
import type { Projection } from '@projectionist/projections';
import type { AgentLogger } from '../agent/projection-agent';
import { PreviousTableSweeper } from '../rebuild/previous-table';
import type { BatchStorage } from '../storage/batch-storage';
import type { LeaseHold } from '../storage/lease-fence';
import type { FeedHealth } from './feed-health';
import type { ProjectionProgress } from './projection-progress';
import { ProgressWriter } from './progress-writer';

export interface ProgressRefreshOptions {
  readonly storage: BatchStorage;
  readonly namespace: string;
  readonly nodeId: string;
  readonly logger: AgentLogger;
  readonly feed: FeedHealth;
  readonly intervalMs: number;
  /** How long the table an online rebuild retired is kept for a rollback. */
  readonly keepPreviousMs: number;
  /** The progress to publish, read once the feed is refreshed. */
  readonly reported: () => ProjectionProgress[];
  /** The live agents' projections and holds: the retired tables of these may be dropped, fenced by them. */
  readonly live: () => { projection: Projection; hold: LeaseHold }[];
}

export class ProgressRefresh {
  private timer: NodeJS.Timeout | undefined;
  private readonly writer: ProgressWriter;
  private readonly previous: PreviousTableSweeper;

  constructor(private readonly options: ProgressRefreshOptions) {
    this.writer = new ProgressWriter(options.storage.pool, options.namespace, options.nodeId);
    this.previous = new PreviousTableSweeper(options.storage, options.namespace, options.keepPreviousMs, options.logger);
  }

  /** Refreshes now and every intervalMs on; the first round is not awaited: it is reported within the interval. */
  start(): void {
    clearInterval(this.timer);
    this.timer = setInterval(() => void this.refresh(), this.options.intervalMs);
    void this.refresh();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async refresh(): Promise<void> {
    try {
      await this.options.feed.refresh();
      await this.writer.write(this.options.reported());
      await this.previous.sweep(this.options.live());
    } catch (error) {
      this.options.logger.warn(`progress refresh failed: ${(error as Error).message}`, 'ProjectionDaemon');
    }
  }
}
