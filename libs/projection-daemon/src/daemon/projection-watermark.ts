import { EventStore, FeedHoldBack, hasReached, quoteIdentifier } from '@projectionist/event-store';
import { projectionTableNames } from '@projectionist/projections';
import { Pool } from 'pg';
import { describeHoldBack } from './hold-back-warning';
import { viewReadsSql } from '../storage/projection-tables';
import { waitUntilReached } from './wait-until-reached';

export { PositionNotFoundError } from './wait-until-reached';

export class StaleReadTimeoutError extends Error {
  constructor(
    readonly projection: string,
    readonly position: number,
    readonly timeoutMs: number,
    /** Why, when the projection is behind because an open transaction holds the feed back. */
    readonly heldBack: FeedHoldBack | null = null,
  ) {
    super(`${projection} has not applied position ${position} within ${timeoutMs} ms${heldBack ? `. ${describeHoldBack(heldBack)}` : ''}`);
    this.name = 'StaleReadTimeoutError';
  }
}

/**
 * Read-your-writes for apps that do not run the daemon (the gateway): waits until a projection's
 * live checkpoint has passed the event at `position`, reading the checkpoint table.
 */
export class ProjectionWatermark {
  private readonly table: string;
  private readonly progressTable: string;
  private readonly schema: string;
  private readonly checkpointOfViewQuery: string;

  constructor(
    private readonly pool: Pool,
    private readonly store: Pick<EventStore, 'cursorOf' | 'readHead'>,
    namespace: string,
  ) {
    this.schema = quoteIdentifier(namespace);
    this.table = `${this.schema}.projection_checkpoints`;
    // The live checkpoint of the version readers see: the one whose table the stable view reads (a
    // newer version may be building beside it, see LiveSlot.viewPending), else the newest.
    this.checkpointOfViewQuery = `SELECT cursor_tx, cursor_pos FROM ${this.table} c WHERE projection = $1 AND slot = 'live'
       ORDER BY ${viewReadsSql('$2', "$3 || '.' || quote_ident($4 || '_v' || c.version)")} DESC, version DESC LIMIT 1`;
    this.progressTable = `${quoteIdentifier(namespace)}.projection_progress`;
  }

  async waitFor(projection: string, position: number, timeoutMs: number): Promise<void> {
    await waitUntilReached(this.store, {
      position,
      timeoutMs,
      behind: async (target) => {
        const { rows } = await this.pool.query(this.checkpointOfViewQuery, [projection, ...this.viewNames(projection)]);
        const row = rows[0];
        return row && hasReached({ transactionId: Number(row.cursor_tx), position: Number(row.cursor_pos) }, target) ? [] : [projection];
      },
      // No wake-up crosses processes here: a short poll of one indexed row.
      pause: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(20, ms))),
      timedOut: async () => new StaleReadTimeoutError(projection, position, timeoutMs, await this.heldBack(projection)),
    });
  }

  /** The stable view (qualified), the schema and the view's own name, from which each version's table is named. */
  private viewNames(projection: string): [string, string, string] {
    const { view } = projectionTableNames(projection, 1);
    return [`${this.schema}.${quoteIdentifier(view)}`, this.schema, view];
  }

  /**
   * What the active worker last reported holding the feed back for this projection: one query,
   * on the timeout path only. It explains the timeout and must not replace it, so a failed look-up
   * (a worker of an older version, the database going away) gives no explanation.
   */
  private async heldBack(projection: string): Promise<FeedHoldBack | null> {
    try {
      const { rows } = await this.pool.query(`SELECT held_back FROM ${this.progressTable} WHERE projection = $1 ORDER BY version DESC LIMIT 1`, [projection]);
      return rows[0]?.held_back ?? null;
    } catch {
      return null;
    }
  }
}
