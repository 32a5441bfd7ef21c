import { PROJECTION_DAEMON_MIGRATIONS } from '@projectionist/projection-daemon';
import { createEventStorePool, hasReached, PostgresEventStore, quoteIdentifier, runMigrations } from '@projectionist/event-store';
import { createSampleRegistry } from '@projectionist/domain-events';
import { createTestNamespace, TestNamespace, waitFor } from '@projectionist/testing';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { AppProcess, freePort } from './app-process';

const SEED_CHUNK = 10_000;

/** A namespace, a store to write with, and app processes (workers, coordinators, gateways) to start and kill. */
export class TestCluster {
  readonly workers: AppProcess[] = [];
  readonly apps: AppProcess[] = [];
  private constructor(
    readonly db: TestNamespace,
    readonly pool: Pool,
    readonly store: PostgresEventStore,
    /** Environment for every app of the cluster (broker, cache, token). */
    readonly env: Record<string, string>,
  ) {}

  static async create(label: string, env: Record<string, string> = {}): Promise<TestCluster> {
    const db = await createTestNamespace(label);
    await runMigrations({ databaseUrl: db.databaseUrl, namespace: db.namespace, extraMigrations: PROJECTION_DAEMON_MIGRATIONS });
    const pool = createEventStorePool({ connectionString: db.databaseUrl, max: 8 });
    const registry = createSampleRegistry();
    return new TestCluster(db, pool, new PostgresEventStore({ pool, namespace: db.namespace, validator: registry, upcaster: registry }), env);
  }

  /** `build`: a release build of the worker in dist/apps/<build> (e.g. `projector-worker-car-view-v1`) instead of the usual one. */
  async addWorker(nodeId: string, { build }: { build?: string } = {}): Promise<AppProcess> {
    let nodeArgs: string[] | undefined;
    if (build) {
      const entry = join(__dirname, '../../../..', 'dist/apps', build, 'main.js');
      if (!existsSync(entry)) throw new Error(`${entry} is missing: build it first (nx run projector-worker:build-${build.replace('projector-worker-', '')})`);
      nodeArgs = [entry];
    }
    const worker = await this.addApp('projector-worker', nodeId, {}, nodeArgs);
    this.workers.push(worker);
    return worker;
  }

  async addApp(app: AppProcess['app'], nodeId: string, env: Record<string, string> = {}, nodeArgs?: string[]): Promise<AppProcess> {
    const process = new AppProcess(app, nodeId, await freePort(), {
      NAMESPACE: this.db.namespace,
      DATABASE_URL: this.db.databaseUrl,
      DAEMON_POLL_INTERVAL_MS: '200',
      DAEMON_STANDBY_RETRY_MS: '100-400',
      // The tests written for HotCold (one active worker) say so here; distributed ones set it in their cluster's env.
      DAEMON_DISTRIBUTION: 'hotcold',
      ...this.env,
      ...env,
    }, nodeArgs);
    this.apps.push(process);
    await process.start();
    return process;
  }

  async activeWorker(): Promise<AppProcess | undefined> {
    for (const worker of this.workers.filter((w) => w.running)) {
      const status = await worker.json<{ role: string }>('/daemon').catch(() => undefined);
      if (status?.role === 'active') return worker;
    }
    return undefined;
  }

  /** Waits until every live projection's checkpoint has passed every event committed now. */
  async waitCaughtUp(timeoutMs = 60_000): Promise<void> {
    const head = await this.store.readHead();
    const table = `${quoteIdentifier(this.db.namespace)}.projection_checkpoints`;
    await waitFor(
      'projections caught up',
      async () => {
        const { rows } = await this.pool.query(`SELECT projection, state, cursor_tx, cursor_pos FROM ${table} WHERE slot = 'live'`);
        const errors = rows.filter((r) => r.state === 'error');
        if (errors.length > 0) throw new Error(`projection in error: ${JSON.stringify(errors)}`);
        const target = head.lastCursor;
        return rows.length > 0 && rows.every((r) => hasReached({ transactionId: Number(r.cursor_tx), position: Number(r.cursor_pos) }, target));
      },
      { timeoutMs, intervalMs: 100 },
    );
  }

  /**
   * Inserts `total` CommitPushed events over `streams` project streams (`<prefix><n>`), set-based,
   * in transactions of 10,000 rows. One long seeding transaction would hold the feed horizon of
   * the whole cluster back for seconds, and with it every other test file's readers.
   */
  async seedCommits(options: { total: number; streams: number; prefix?: string; users: number; additions: number; deletions: number }): Promise<void> {
    const { total, streams, prefix = 'project-', users, additions, deletions } = options;
    for (let from = 0; from < total; from += SEED_CHUNK) {
      await this.pool.query(
        `INSERT INTO ${quoteIdentifier(this.db.namespace)}.events (stream_id, stream_version, category, event_id, type, data, metadata)
         SELECT $3 || (i % $4), i / $4 + 1, 'project', gen_random_uuid(), 'CommitPushed',
                jsonb_build_object('userName', 'u' || (i % $5), 'additions', $6::int, 'deletions', $7::int), '{"schemaVersion": 2}'
           FROM generate_series($1::bigint, $2::bigint) AS i`,
        [from, Math.min(total, from + SEED_CHUNK) - 1, prefix, streams, users, additions, deletions],
      );
    }
  }

  /**
   * Inserts `total` car events over `streams` cars (`<prefix><n>`): each car created, then
   * repainted.
   */
  seedCars(options: { total: number; streams: number; prefix?: string }): Promise<void> {
    return this.seedCreatedThenChanged({ prefix: 'car-seeded-', ...options }, {
      category: 'car',
      created: ['car.created', `jsonb_build_object('by', 'seed', 'color', 'c' || (i / $4))`],
      changed: ['car.repainted', `jsonb_build_object('color', 'c' || (i / $4))`],
    });
  }

  /** Inserts `total` customer events over `streams` customers (`<prefix><n>`): each created, then renamed. */
  seedCustomers(options: { total: number; streams: number; prefix?: string }): Promise<void> {
    return this.seedCreatedThenChanged({ prefix: 'customer-seeded-', ...options }, {
      category: 'customer',
      created: ['customer.created', `jsonb_build_object('name', 'n' || (i / $4))`],
      changed: ['customer.renamed', `jsonb_build_object('name', 'n' || (i / $4))`],
    });
  }

  /**
   * `total` events over `streams` streams of a category, the first of each stream `created` and
   * the others `changed` (type and a jsonb expression of the row number `i`), set-based in
   * chunks as seedCommits does. The metadata is copied from a `created` event already written
   * through the API, so the seeded events read back like written ones.
   */
  private async seedCreatedThenChanged(
    options: { total: number; streams: number; prefix: string },
    kind: { category: string; created: [string, string]; changed: [string, string] },
  ): Promise<void> {
    const { total, streams, prefix } = options;
    const events = `${quoteIdentifier(this.db.namespace)}.events`;
    for (let from = 0; from < total; from += SEED_CHUNK) {
      await this.pool.query(
        `INSERT INTO ${events} (stream_id, stream_version, category, event_id, type, data, metadata)
         SELECT $3 || (i % $4), i / $4 + 1, $5, gen_random_uuid(),
                CASE WHEN i < $4 THEN $6 ELSE $7 END,
                CASE WHEN i < $4 THEN ${kind.created[1]} ELSE ${kind.changed[1]} END,
                (SELECT metadata FROM ${events} WHERE type = $6 ORDER BY position LIMIT 1)
           FROM generate_series($1::bigint, $2::bigint) AS i`,
        [from, Math.min(total, from + SEED_CHUNK) - 1, prefix, streams, kind.category, kind.created[0], kind.changed[0]],
      );
    }
  }

  async checkpointStates(): Promise<{ projection: string; state: string; error: unknown }[]> {
    const { rows } = await this.pool.query(
      `SELECT projection, state, error FROM ${quoteIdentifier(this.db.namespace)}.projection_checkpoints WHERE slot = 'live' ORDER BY projection`,
    );
    return rows;
  }

  async view(name: string): Promise<Map<string, unknown>> {
    const { rows } = await this.pool.query(`SELECT id, data FROM ${quoteIdentifier(this.db.namespace)}.${quoteIdentifier(name)}`);
    return new Map(rows.map((r) => [r.id, r.data]));
  }

  async rows(name: string, orderBy: string): Promise<Record<string, unknown>[]> {
    return (await this.pool.query(`SELECT * FROM ${quoteIdentifier(this.db.namespace)}.${quoteIdentifier(name)} ORDER BY ${orderBy}`)).rows;
  }

  async close(): Promise<void> {
    await Promise.all(this.apps.map((a) => a.stop()));
    await this.pool.end();
    await this.db.drop();
  }
}
