import { createTestNamespace, TestNamespace } from '@projectionist/testing';
import { PoolClient } from 'pg';
import { quoteIdentifier } from '../postgres/identifiers';
import { APPEND_TO_STREAM_SIGNATURE } from './1734000000000-skip-id-check-for-new-ids';
import { runMigrations } from './run-migrations';

/**
 * The append function caches its statements' plans, and a plan made while the table was empty
 * must still be the index lookup once it holds millions of events. These are the function's
 * lookups planned generically (as a cached plan is) on an empty table, under the settings the
 * function runs with.
 */
describe('append function plans', () => {
  let db: TestNamespace;
  let client: PoolClient;
  let events: string;

  beforeAll(async () => {
    db = await createTestNamespace('append_plans', 2);
    await runMigrations({ databaseUrl: db.databaseUrl, namespace: db.namespace });
    events = `${quoteIdentifier(db.namespace)}.events`;
    client = await db.pool.connect();
    const { rows } = await client.query(`SELECT proconfig FROM pg_proc WHERE oid = $1::regprocedure`, [
      `${quoteIdentifier(db.namespace)}.${APPEND_TO_STREAM_SIGNATURE}`,
    ]);
    // The function's own settings, applied to this session as the function applies them to its body.
    for (const setting of rows[0].proconfig as string[]) {
      const [name, value] = setting.split('=');
      await client.query(`SELECT set_config($1, $2, false)`, [name, value]);
    }
    await client.query(`SET plan_cache_mode = force_generic_plan`);
  });
  afterAll(async () => {
    client.release();
    await db.drop();
  });

  async function genericPlan(sql: string, args: string): Promise<string> {
    const name = `p_${Math.random().toString(36).slice(2, 10)}`;
    await client.query(`PREPARE ${name} AS ${sql}`);
    const { rows } = await client.query(`EXPLAIN EXECUTE ${name}(${args})`);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  }

  it('looks event ids up through their unique index', async () => {
    const plan = await genericPlan(`SELECT count(*) FROM ${events} e WHERE e.event_id = ANY ($1::uuid[])`, `ARRAY[gen_random_uuid()]`);
    expect(plan).toMatch(/Index (Only )?Scan using events_event_id_uq/);
    expect(plan).not.toMatch(/Seq Scan|Bitmap/);
  });

  it("looks a stream's last version up through the stream index", async () => {
    const plan = await genericPlan(`SELECT e.stream_version, e.transaction_id FROM ${events} e WHERE e.stream_id = $1::text ORDER BY e.stream_version DESC LIMIT 1`, `'s-1'`);
    expect(plan).toMatch(/Index Scan Backward using events_stream_version_uq/);
    expect(plan).not.toMatch(/Seq Scan|Bitmap|Sort/);
  });

  it('caches the plans instead of planning every call', async () => {
    expect((await client.query('SHOW plan_cache_mode')).rows[0].plan_cache_mode).toBe('force_generic_plan');
    const { rows } = await client.query(`SELECT proconfig FROM pg_proc WHERE oid = $1::regprocedure`, [`${quoteIdentifier(db.namespace)}.${APPEND_TO_STREAM_SIGNATURE}`]);
    expect(rows[0].proconfig).toEqual(expect.arrayContaining(['plan_cache_mode=auto', 'enable_seqscan=off', 'enable_bitmapscan=off']));
  });
});
