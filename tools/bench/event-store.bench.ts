import { createEventStorePool, FEED_START, FeedCursor, PostgresEventStore, runMigrations } from '@projectionist/event-store';
import type { Pool } from 'pg';
import { nodeInsertCeiling, plainInsertCeiling } from './insert-ceiling';
import { fmt, table } from './report';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const APPEND_SECONDS = Number(process.env.BENCH_APPEND_SECONDS ?? 5);
const FEED_EVENTS = Number(process.env.BENCH_FEED_EVENTS ?? 1_000_000);
const FEED_PAGE = 1000;
const STREAMS = 10_000;

const commit = (i: number) => ({ type: 'CommitPushed', data: { userName: `user-${i % 97}`, additions: i % 50, deletions: i % 7 } });

/**
 * Append throughput (1, 8, 32 writers × batches of 1 and 100) and feed read throughput over
 * 1,000,000 events against the ceiling: a plain server-side cursor over the same table.
 */
export async function eventStoreBenchmark(): Promise<string> {
  const namespace = `bench_es_${Date.now()}`;
  await runMigrations({ databaseUrl: DATABASE_URL, namespace });
  // Set-up, seeding and the feed read; the appends get pools of their own.
  const pool = createEventStorePool({ connectionString: DATABASE_URL, max: 4 });
  try {
    const appendRows: (string | number)[][] = [];
    for (const warmUpServerHeap of [true, false]) {
      // Each pass on its own pool and an empty table, so that the second starts like the first.
      await pool.query(`TRUNCATE "${namespace}".events`);
      const passPool = createEventStorePool({ connectionString: DATABASE_URL, max: 34, warmUpServerHeap });
      const store = new PostgresEventStore({ pool: passPool, namespace });
      try {
        for (const batch of [1, 100]) {
          for (const writers of [1, 8, 32]) {
            const perSecond = await measureAppends(store, writers, batch);
            // The ceiling right after, on the same machine in the same minute: plain INSERTs of the same rows.
            const ceiling = warmUpServerHeap
              ? (await plainInsertCeiling(pool, DATABASE_URL, namespace, { clients: writers, rowsPerInsert: batch, seconds: APPEND_SECONDS, data: (k) => commit(k).data })).rowsPerSecond
              : undefined;
            // And the same INSERT from this process through the appends' pool: the client's share.
            const fromNode = warmUpServerHeap ? await nodeInsertCeiling(passPool, namespace, { clients: writers, rowsPerInsert: batch, seconds: APPEND_SECONDS, data: (k) => commit(k).data }) : undefined;
            const of = (ceil: number | undefined) => (ceil ? `${Math.round((perSecond / ceil) * 100)}%` : '');
            appendRows.push([writers, batch, warmUpServerHeap ? 'on (default)' : 'off', fmt(perSecond), ceiling ? fmt(ceiling) : '', of(ceiling), fromNode ? fmt(fromNode) : '', of(fromNode)]);
            console.log(`append writers=${writers} batch=${batch} heap warm-up ${warmUpServerHeap}: ${fmt(perSecond)} events/s`);
          }
        }
      } finally {
        await passPool.end();
      }
    }
    const store = new PostgresEventStore({ pool, namespace });
    await pool.query(`TRUNCATE "${namespace}".events`);
    await seed(pool, namespace, FEED_EVENTS);
    const ceiling = await measurePlainCursor(pool, namespace);
    const feed = await measureFeed(store);
    const ceiling2 = await measurePlainCursor(pool, namespace);
    const best = Math.max(ceiling, ceiling2);
    return [
      `### Append (each for ${APPEND_SECONDS} s, ${STREAMS} streams, expected version "any")`,
      table(['writers', 'events per append', 'server heap warm-up', 'events/s', 'plain INSERT of the same rows (ceiling), rows/s', 'of ceiling', 'the same INSERT from node-postgres, rows/s', 'of it'], appendRows),
      '',
      'Each pass runs batches of 1 before batches of 100 on the same connections, as a service would. The ceiling (measured right after each append row of the first pass) is pgbench with as many connections inserting the same number of rows per statement into a copy of the events table (same columns, defaults, constraints and indexes), one transaction per statement: what the table costs without the checks an append makes (stream lock, id and version lookups). The last two columns put the same INSERT in this process on the pool of the appends (node-postgres, ids and payloads made per call, `nodeInsertCeiling` in tools/bench/insert-ceiling.ts): what a Node client reaches before any append logic, so that the gap to pgbench splits into what the client costs and what the append costs. "Off" shows what a server process that served many small appends costs a large one without the warm-up (see `SERVER_HEAP_WARM_UP` in `libs/event-store/src/postgres/event-store-pool.ts`).',
      '',
      `### Feed read over ${fmt(FEED_EVENTS)} events (pages of ${FEED_PAGE}, JSON parsed into objects)`,
      table(
        ['reader', 'events/s', 'of ceiling'],
        [
          ['plain `SELECT … ORDER BY position` server-side cursor (ceiling, best of 2)', fmt(best), '100%'],
          ['gap-free feed (`readAll` page by page)', fmt(feed), `${Math.round((feed / best) * 100)}%`],
        ],
      ),
      '',
      'Targets: batched append ≥ 30,000 events/s and ≥ 80% of the plain insert of the same rows, single-event appends ≥ 70%; feed read ≥ 70% of the ceiling.',
    ].join('\n');
  } finally {
    await pool.query(`DROP SCHEMA "${namespace}" CASCADE`);
    await pool.end();
  }
}

async function measureAppends(store: PostgresEventStore, writers: number, batch: number): Promise<number> {
  const deadline = Date.now() + APPEND_SECONDS * 1000;
  let appended = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      let i = w;
      while (Date.now() < deadline) {
        const events = Array.from({ length: batch }, (_, k) => commit(i + k));
        await store.append(`project-${(i * 7919) % STREAMS}`, events);
        appended += batch;
        i += writers;
      }
    }),
  );
  return appended / ((Date.now() - started) / 1000);
}

/** Seeds in transactions of 10,000 events, as a busy system would have written them. */
async function seed(pool: Pool, namespace: string, total: number): Promise<void> {
  const started = Date.now();
  for (let done = 0; done < total; done += 10_000) {
    await pool.query(
      `INSERT INTO "${namespace}".events (stream_id, stream_version, category, event_id, type, data, metadata)
       SELECT 'project-' || (i % ${STREAMS}), i / ${STREAMS} + 1, 'project', gen_random_uuid(), 'CommitPushed',
              jsonb_build_object('userName', 'user-' || (i % 97), 'additions', i % 50, 'deletions', i % 7), '{"schemaVersion": 2}'
         FROM generate_series($1::bigint, $2::bigint) AS i`,
      [done, Math.min(total, done + 10_000) - 1],
    );
  }
  await pool.query(`VACUUM ANALYZE "${namespace}".events`);
  console.log(`seeded ${fmt(total)} events in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function measurePlainCursor(pool: Pool, namespace: string): Promise<number> {
  const client = await pool.connect();
  const started = Date.now();
  let count = 0;
  try {
    await client.query('BEGIN');
    await client.query(`DECLARE plain NO SCROLL CURSOR FOR SELECT * FROM "${namespace}".events ORDER BY position`);
    for (;;) {
      const { rows } = await client.query(`FETCH ${FEED_PAGE} FROM plain`);
      count += rows.length;
      if (rows.length < FEED_PAGE) break;
    }
    await client.query('COMMIT');
  } finally {
    client.release();
  }
  const perSecond = count / ((Date.now() - started) / 1000);
  console.log(`plain cursor: ${fmt(count)} events, ${fmt(perSecond)} events/s`);
  return perSecond;
}

async function measureFeed(store: PostgresEventStore): Promise<number> {
  const started = Date.now();
  let cursor: FeedCursor = FEED_START;
  let count = 0;
  for (;;) {
    const page = await store.readAll({ after: cursor, limit: FEED_PAGE });
    count += page.events.length;
    cursor = page.next;
    if (page.caughtUp) break;
  }
  const perSecond = count / ((Date.now() - started) / 1000);
  console.log(`feed: ${fmt(count)} events, ${fmt(perSecond)} events/s`);
  return perSecond;
}
