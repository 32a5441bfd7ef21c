import { inSpan, isTracing, Link, SpanKind, trace } from '@projectionist/tracing';
import { Pool } from 'pg';
import { statementName } from './identifiers';

/** A folded notification links at most this many of the appends it announces. */
const MAX_FOLDED_LINKS = 32;

/**
 * Notifications start at least this far apart. One writer appending back to back otherwise sends
 * a NOTIFY after every append (each finishes before the next append does), and on this kind of
 * machine a NOTIFY costs as much CPU as a single-event append: 1,700 single-event appends/s with
 * one per append, 2,200 with none. The first append after a quiet spell is announced at once;
 * within a burst, listeners read at most every 10 ms anyway (DAEMON_LIVE_READ_GAP_MS).
 */
export const MIN_NOTIFY_GAP_MS = 5;

const NOTIFY_SQL = "SELECT pg_notify($1, '')";
const NOTIFY_STATEMENT = statementName(NOTIFY_SQL);

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
  private waiting: NodeJS.Timeout | undefined;
  private lastStartedAt = -Infinity;
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
    const held = this.inFlight || this.waiting !== undefined;
    if (isTracing() && (held || this.untilDue() > 0)) this.foldLink();
    if (held) {
      this.pending = true;
      return;
    }
    this.sendWhenDue();
  }

  private untilDue(): number {
    return this.lastStartedAt + MIN_NOTIFY_GAP_MS - performance.now();
  }

  private sendWhenDue(): void {
    const wait = this.untilDue();
    if (wait > 0) {
      // Checked again when it fires (a timer may fire a little early). Unref'd: a process may exit
      // before it fires; listeners then find the events by polling.
      this.waiting = setTimeout(() => {
        this.waiting = undefined;
        this.sendWhenDue();
      }, Math.ceil(wait)).unref();
      return;
    }
    this.pending = false;
    this.inFlight = true;
    this.lastStartedAt = performance.now();
    this.notify()
      .catch((error: Error) => {
        this.failures++;
        this.lastError = error;
      })
      .finally(() => {
        this.inFlight = false;
        if (this.pending) this.sendWhenDue();
      });
  }

  private notify(): Promise<unknown> {
    const query = () => this.pool.query({ name: NOTIFY_STATEMENT, text: NOTIFY_SQL, values: [this.channel] });
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
