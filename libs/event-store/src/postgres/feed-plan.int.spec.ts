import { createTestNamespace, TestNamespace } from '@projectionist/testing';
import { FEED_START, FeedCursor } from '../model/feed-cursor';
import { ReadAllOptions } from '../model/feed-page';
import { runMigrations } from '../migrations/run-migrations';
import { quoteIdentifier } from './identifiers';
import { FEED_PLAN_SETTINGS, feedPageQuery, feedPageStatement } from './read-feed-page';

/** Enough events that a plan reading all of them is the planner's choice when it misjudges. */
const EVENTS = 60_000;
const PAGE = 1000;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

/**
 * The feed page statements keep the plan that reads one page through events_feed_idx, whatever
 * the statistics of the events table say. A bulk load (an import, a migration) that autovacuum
 * has not analyzed yet is the case users meet when they rebuild: with missing, empty or stale
 * statistics the planner misjudges a filtered page as a few rows and sorts every event past the
 * cursor instead. Each namespace here has autovacuum off so that its statistics stay as set up.
 */
describe('feed page plans', () => {
  const namespaces: TestNamespace[] = [];

  afterAll(async () => {
    for (const db of namespaces) await db.drop();
  });

  async function eventsTable(label: string): Promise<{ db: TestNamespace; table: string }> {
    const db = await createTestNamespace(label, 2);
    namespaces.push(db);
    await runMigrations({ databaseUrl: db.databaseUrl, namespace: db.namespace });
    const table = `${quoteIdentifier(db.namespace)}.events`;
    await db.pool.query(`ALTER TABLE ${table} SET (autovacuum_enabled = false)`);
    return { db, table };
  }

  /** Events of types a and b alternating, a transaction per 1000 as separate appends would commit them. */
  async function bulkLoad(db: TestNamespace, table: string, count: number, types: string[]): Promise<void> {
    const arrayOfTypes = `ARRAY[${types.map((t) => `'${t}'`).join(',')}]`;
    await db.pool.query(`
      DO $$ BEGIN
        FOR b IN 0..${Math.ceil(count / 1000) - 1} LOOP
          INSERT INTO ${table} (stream_id, stream_version, category, event_id, type, data)
          SELECT '${types[0]}-' || b || '-' || g, 1, 'bulk', gen_random_uuid(), (${arrayOfTypes})[1 + g % ${types.length}], jsonb_build_object('g', g)
            FROM generate_series(1, 1000) g;
          COMMIT;
        END LOOP;
      END $$`);
  }

  async function cursorAt(db: TestNamespace, table: string, offset: number): Promise<FeedCursor> {
    const { rows } = await db.pool.query(`SELECT transaction_id, position FROM ${table} ORDER BY transaction_id, position OFFSET $1 LIMIT 1`, [offset]);
    return { transactionId: Number(rows[0].transaction_id), position: Number(rows[0].position) };
  }

  async function plan(db: TestNamespace, options: ReadAllOptions & { after: FeedCursor }): Promise<PlanNode> {
    const statement = feedPageStatement(feedPageQuery(quoteIdentifier(db.namespace), { ...options, limit: PAGE }), options.encoding);
    const results = (await db.pool.query(`${FEED_PLAN_SETTINGS}; EXPLAIN (ANALYZE, FORMAT JSON) ${statement}`)) as unknown as { rows: { 'QUERY PLAN': { Plan: PlanNode }[] }[] }[];
    return results[results.length - 1].rows[0]['QUERY PLAN'][0].Plan;
  }

  const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)];

  /** Only ordered scans of the feed index, each reading about the pages it returns (filter half the events: 2 pages of matches are 4 of rows, after at most 1000 of another type). */
  function expectPagePlan(root: PlanNode): void {
    const all = nodes(root);
    expect(all.map((n) => n['Node Type'])).not.toEqual(expect.arrayContaining(['Sort']));
    const scans = all.filter((n) => n['Relation Name'] === 'events');
    expect(scans.length).toBeGreaterThan(0);
    for (const scan of scans) {
      expect({ type: scan['Node Type'], index: scan['Index Name'] }).toEqual({ type: expect.stringMatching(/^Index (Only )?Scan$/), index: 'events_feed_idx' });
      expect((scan['Actual Rows'] + (scan['Rows Removed by Filter'] ?? 0)) * scan['Actual Loops']).toBeLessThanOrEqual(4 * PAGE + 1010);
    }
  }

  async function expectEveryPagePlan(db: TestNamespace, table: string, types: string[]): Promise<void> {
    const middle = await cursorAt(db, table, Math.floor(EVENTS / 2));
    const nearEnd = await cursorAt(db, table, EVENTS - 100);
    for (const after of [FEED_START, middle]) {
      for (const encoding of ['rows', 'json'] as const) {
        expectPagePlan(await plan(db, { after, encoding }));
        // A partitioned rebuild's read: half the streams, up to its target (the bound of the index range).
        expectPagePlan(await plan(db, { after, encoding, partition: { index: 1, count: 2 }, upTo: nearEnd }));
        expectPagePlan(await plan(db, { after, encoding, types }));
        expectPagePlan(await plan(db, { after, encoding, categories: ['bulk'] }));
      }
    }
  }

  it('reads a page through the feed index when the table was never analyzed, and once it is', async () => {
    const { db, table } = await eventsTable('feed_plan_never');
    await bulkLoad(db, table, EVENTS, ['kind.a', 'kind.b']);
    await expectEveryPagePlan(db, table, ['kind.a']);
    await db.pool.query(`ANALYZE ${table}`);
    await expectEveryPagePlan(db, table, ['kind.a']);
  }, 120_000);

  it('reads a page through the feed index when the table was analyzed while empty', async () => {
    const { db, table } = await eventsTable('feed_plan_empty');
    await db.pool.query(`ANALYZE ${table}`);
    await bulkLoad(db, table, EVENTS, ['kind.a', 'kind.b']);
    await expectEveryPagePlan(db, table, ['kind.a']);
  }, 120_000);

  it('reads a page through the feed index when the statistics predate the events read', async () => {
    const { db, table } = await eventsTable('feed_plan_stale');
    await bulkLoad(db, table, 1000, ['kind.old']);
    await db.pool.query(`ANALYZE ${table}`);
    await bulkLoad(db, table, EVENTS, ['kind.a', 'kind.b']);
    await expectEveryPagePlan(db, table, ['kind.a']);
  }, 120_000);
});
