/**
 * Diagnosis, not a benchmark: where an append's cost goes. For each number of writers and events
 * per append (WRITERS, default "1,8"; EVENTS, default "1,100"; SECONDS each, default 5) it runs,
 * back to back on one pool: `store.append`, the append function called directly (no validation,
 * no notification), and a plain INSERT of the same rows from the same client; and prints events/s
 * with the CPU per event of this process (`process.cpuUsage`) and of every PostgreSQL backend
 * summed (/proc). For the process's own profile, run it with `node --cpu-prof -r ts-node/register/transpile-only -r tsconfig-paths/register`.
 *
 *   npx ts-node --transpile-only -r tsconfig-paths/register tools/bench/append-cost.ts
 */
import { randomUUID } from 'node:crypto';
import { createEventStorePool, PostgresEventStore, runMigrations } from '@projectionist/event-store';
import type { Pool } from 'pg';
import { nodePlainInsert } from './insert-ceiling';
import { postgresCpuMs } from './process-cpu';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SECONDS = Number(process.env.SECONDS ?? 5);
const STREAMS = 10_000;
const commit = (i: number) => ({ type: 'CommitPushed', data: { userName: `user-${i % 97}`, additions: i % 50, deletions: i % 7 } });
const list = (raw: string | undefined, fallback: number[]) => (raw ? raw.split(',').map(Number) : fallback);

async function measure(label: string, writers: number, events: number, appendOne: (i: number) => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + SECONDS * 1000;
  let appended = 0;
  const postgresBefore = postgresCpuMs();
  const cpuBefore = process.cpuUsage();
  const started = Date.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = w; Date.now() < deadline; i += writers) {
        await appendOne(i);
        appended += events;
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const perEvent = (ms: number) => ((ms * 1000) / appended).toFixed(1);
  console.log(
    `${label.padEnd(24)} writers=${writers} events=${events}: ${Math.round(appended / seconds)} events/s; ` +
      `this process ${perEvent((cpu.user + cpu.system) / 1000)} µs/event, PostgreSQL ${perEvent(postgresCpuMs() - postgresBefore)} µs/event`,
  );
}

async function main(): Promise<void> {
  const namespace = `append_cost_${Date.now()}`;
  await runMigrations({ databaseUrl: DATABASE_URL, namespace });
  const pool: Pool = createEventStorePool({ connectionString: DATABASE_URL, max: 34 });
  const store = new PostgresEventStore({ pool, namespace });
  const schema = `"${namespace}"`;
  const direct = `SELECT * FROM ${schema}.append_to_stream($1, $2, 'any', NULL, $3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[], false)`;
  const plainInsert = await nodePlainInsert(pool, namespace);
  const batch = (i: number, events: number) => Array.from({ length: events }, (_, k) => commit(i + k));
  try {
    for (const events of list(process.env.EVENTS, [1, 100])) {
      for (const writers of list(process.env.WRITERS, [1, 8])) {
        await measure('store.append', writers, events, (i) => store.append(`project-${(i * 7919) % STREAMS}`, batch(i, events)));
        await measure('append function directly', writers, events, (i) => {
          const b = batch(i, events);
          return pool.query({ name: 'append_cost_direct', text: direct, values: [`project-${(i * 7919) % STREAMS}`, 'project', b.map(() => randomUUID()), b.map((e) => e.type), b.map((e) => JSON.stringify(e.data)), b.map(() => '{}')] });
        });
        await measure('plain INSERT', writers, events, (i) => plainInsert(batch(i, events).map((e) => e.data)));
      }
    }
  } finally {
    await pool.query(`DROP SCHEMA ${schema} CASCADE`);
    await pool.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
