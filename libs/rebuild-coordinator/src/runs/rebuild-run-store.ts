import { quoteIdentifier } from '@projectionist/event-store';
import { DEFAULT_REBUILD_POLICY, handle, RebuildCommand, RebuildPolicy, RebuildRejected, RebuildRun, RebuildStateSnapshot, RebuildTransition } from '@projectionist/rebuild-state';
import { Pool, PoolClient } from 'pg';
import { RebuildRunStorePort } from './rebuild-run-store.port';

const UNIQUE_VIOLATION = '23505';

const ACTIVE = `phase NOT IN ('Completed', 'Failed', 'Cancelled')`;

/**
 * Rebuild runs in PostgreSQL: the state machine decides, this store makes each decision durable
 * in one transaction (the run row locked FOR UPDATE, every transition appended to the history,
 * the state's version raised).
 */
export class RebuildRunStore implements RebuildRunStorePort {
  private readonly runs: string;
  private readonly transitions: string;
  private readonly state: string;

  constructor(
    private readonly pool: Pool,
    namespace: string,
    private readonly policy: RebuildPolicy = DEFAULT_REBUILD_POLICY,
  ) {
    this.runs = `${quoteIdentifier(namespace)}.rebuild_runs`;
    this.transitions = `${quoteIdentifier(namespace)}.rebuild_transitions`;
    this.state = `${quoteIdentifier(namespace)}.rebuild_state`;
  }

  /** Starts a run; RebuildRejected (REBUILD_ALREADY_RUNNING, with its id) when one is active. */
  async request(command: Extract<RebuildCommand, { kind: 'Request' }>, now = Date.now()): Promise<RebuildRun> {
    return this.inTransaction(async (client) => {
      const active = await client.query(
        `SELECT run FROM ${this.runs} WHERE projection = $1 AND ${ACTIVE} FOR UPDATE`,
        [command.projection],
      );
      const { run, transitions } = handle(active.rows[0]?.run, command, now, this.policy);
      try {
        await client.query(`INSERT INTO ${this.runs} (id, projection, phase, run, requested_at, updated_at) VALUES ($1, $2, $3, $4, to_timestamp($5 / 1000.0), now())`, [
          run.id,
          run.projection,
          run.phase,
          run,
          run.requestedAt,
        ]);
      } catch (error) {
        if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
        // Another coordinator created one a moment ago: report that one.
        throw new RebuildRejected('REBUILD_ALREADY_RUNNING', `A rebuild of ${command.projection} is already running`, await this.activeId(command.projection));
      }
      await this.record(client, run.id, transitions);
      await this.raiseVersion(client);
      return run;
    });
  }

  /** Applies a command to a run; throws RebuildRejected when the machine refuses it, RangeError for an unknown id. */
  async apply(id: string, command: Exclude<RebuildCommand, { kind: 'Request' }>, now = Date.now()): Promise<{ run: RebuildRun; transitions: RebuildTransition[] }> {
    return this.inTransaction(async (client) => {
      const { rows } = await client.query(`SELECT run FROM ${this.runs} WHERE id = $1 FOR UPDATE`, [id]);
      if (rows.length === 0) throw new RangeError(`No rebuild run ${id}`);
      const result = handle(rows[0].run, command, now, this.policy);
      if (result.transitions.length > 0) {
        await client.query(`UPDATE ${this.runs} SET phase = $2, run = $3, updated_at = now() WHERE id = $1`, [id, result.run.phase, result.run]);
        await this.record(client, id, result.transitions);
        await this.raiseVersion(client);
      }
      return result;
    });
  }

  async get(id: string): Promise<RebuildRun | undefined> {
    const { rows } = await this.pool.query(`SELECT run FROM ${this.runs} WHERE id = $1`, [id]);
    return rows[0]?.run;
  }

  /** Phase changes of a run in order, with their times (ms since epoch). */
  async history(id: string): Promise<{ phase: string; at: number }[]> {
    const { rows } = await this.pool.query(
      `SELECT transition->>'phase' AS phase, (extract(epoch FROM at) * 1000)::bigint AS at FROM ${this.transitions} WHERE run_id = $1 ORDER BY id`,
      [id],
    );
    return rows.map((r) => ({ phase: r.phase, at: Number(r.at) }));
  }

  async list(limit = 100): Promise<RebuildRun[]> {
    const { rows } = await this.pool.query(`SELECT run FROM ${this.runs} ORDER BY requested_at DESC LIMIT $1`, [limit]);
    return rows.map((r) => r.run);
  }

  /** Runs not yet ended: the durable truth the write-guard falls back to when Redis is down. */
  async active(): Promise<RebuildRun[]> {
    const { rows } = await this.pool.query(`SELECT run FROM ${this.runs} WHERE ${ACTIVE}`);
    return rows.map((r) => r.run);
  }

  /** One statement, so one database snapshot: the runs are exactly those of the version. */
  async snapshot(): Promise<RebuildStateSnapshot> {
    const { rows } = await this.pool.query(
      `SELECT (SELECT version FROM ${this.state}) AS version,
              (SELECT coalesce(jsonb_agg(run), '[]'::jsonb) FROM ${this.runs} WHERE ${ACTIVE}) AS runs`,
    );
    return { version: Number(rows[0].version), runs: rows[0].runs };
  }

  async version(): Promise<number> {
    const { rows } = await this.pool.query(`SELECT version FROM ${this.state}`);
    return Number(rows[0].version);
  }

  private async activeId(projection: string): Promise<string | undefined> {
    const { rows } = await this.pool.query(`SELECT id FROM ${this.runs} WHERE projection = $1 AND ${ACTIVE}`, [projection]);
    return rows[0]?.id;
  }

  /** The history keeps phase changes; progress and lease renewals only update the run. */
  private async record(client: PoolClient, id: string, transitions: readonly RebuildTransition[]): Promise<void> {
    for (const t of transitions) {
      if (t.kind !== 'Entered') continue;
      await client.query(`INSERT INTO ${this.transitions} (run_id, transition, at) VALUES ($1, $2, to_timestamp($3 / 1000.0))`, [id, t, t.at]);
    }
  }

  /**
   * The row lock taken here, last in every writing transaction, orders the writers: versions are
   * raised in commit order, so a snapshot read with version v holds every change up to v. (A
   * sequence would not: its numbers are handed out before the commits, which may come in another order.)
   */
  private async raiseVersion(client: PoolClient): Promise<void> {
    await client.query(`UPDATE ${this.state} SET version = version + 1`);
  }

  private async inTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
