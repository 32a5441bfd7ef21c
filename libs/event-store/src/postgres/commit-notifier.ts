import { inSpan, isTracing, Link, SpanKind, trace } from '@projectionist/tracing';
import { Pool } from 'pg';

/** A folded notification links at most this many of the appends it announces. */
const MAX_FOLDED_LINKS = 32;

/**
 * Announces committed appends on the namespace's channel, after the commit and off the append's
 * path. At most one NOTIFY is in flight; pokes that arrive meanwhile are folded into one more,
 * so a burst of appends costs two notifications, not one per append. A lost notification costs
 * listeners one poll interval, never an event: they poll as a fallback.
 *
 * Traced, a notification is a span: the child of the append that poked it, or, when folded, a
 * span of its own linked to the appends it announces.
 */
export class CommitNotifier {
  private inFlight = false;
  private pending = false;
  private foldedLinks: Link[] = [];
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
      if (isTracing()) this.foldLink();
      return;
    }
    this.inFlight = true;
    this.notify()
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

  private notify(): Promise<unknown> {
    const query = () => this.pool.query("SELECT pg_notify($1, '')", [this.channel]);
    if (!isTracing()) return query();
    const links = this.foldedLinks;
    this.foldedLinks = [];
    const attributes = { 'db.system.name': 'postgresql', 'db.operation.name': 'pg_notify', 'projectionist.folded_appends': links.length };
    return inSpan('event-store notify', { kind: SpanKind.CLIENT, attributes, links, root: links.length > 0 }, query);
  }

  private foldLink(): void {
    const poker = trace.getActiveSpan()?.spanContext();
    if (poker && this.foldedLinks.length < MAX_FOLDED_LINKS) this.foldedLinks.push({ context: poker });
  }
}
