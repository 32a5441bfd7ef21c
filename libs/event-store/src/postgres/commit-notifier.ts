import { Pool } from 'pg';

/**
 * Announces committed appends on the namespace's channel, after the commit and off the append's
 * path. At most one NOTIFY is in flight; pokes that arrive meanwhile are folded into one more,
 * so a burst of appends costs two notifications, not one per append. A lost notification costs
 * listeners one poll interval, never an event: they poll as a fallback.
 */
export class CommitNotifier {
  private inFlight = false;
  private pending = false;
  private failures = 0;
  private lastError: Error | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly channel: string,
  ) {}

  /** Failed notifications so far and the last error, for health and metrics. */
  get status(): { failures: number; lastError: string | undefined } {
    return { failures: this.failures, lastError: this.lastError?.message };
  }

  poke(): void {
    if (this.inFlight) {
      this.pending = true;
      return;
    }
    this.inFlight = true;
    this.pool
      .query("SELECT pg_notify($1, '')", [this.channel])
      .catch((error: Error) => {
        this.failures++;
        this.lastError = error;
      })
      .finally(() => {
        this.inFlight = false;
        if (this.pending) {
          this.pending = false;
          this.poke();
        }
      });
  }
}
