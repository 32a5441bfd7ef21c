import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { percentile } from './http-load';

export interface CeilingResult {
  /** Rows inserted per second. */
  readonly rowsPerSecond: number;
  /** Transactions (INSERT statements) per second. */
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/**
 * The ceiling for writes of events: pgbench inserting rows of the events table's shape (a copy
 * with the same columns, defaults, constraints and indexes, in the same schema) with plain
 * INSERTs, one transaction each, `clients` connections, prepared statements; each INSERT writes
 * one new stream. The rows' data is in the prepared statement; sent with every INSERT as
 * parameters instead (as appends send theirs) it measured 3–9% lower (2026-12-03, 1–8 clients,
 * 1 and 100 rows), so this is the higher of the two ceilings.
 */
export async function plainInsertCeiling(pool: Pool, databaseUrl: string, namespace: string, options: { clients: number; rowsPerInsert: number; seconds: number; data: (k: number) => object }): Promise<CeilingResult> {
  const table = `"${namespace}".ceiling_events`;
  await pool.query(`CREATE TABLE IF NOT EXISTS ${table} (LIKE "${namespace}".events INCLUDING ALL)`);
  const values = Array.from({ length: options.rowsPerInsert }, (_, k) => `(${k + 1}, '${JSON.stringify(options.data(k)).replace(/'/g, "''")}'::jsonb)`).join(', ');
  const script = `WITH s AS (SELECT gen_random_uuid()::text AS id)
INSERT INTO ${table} (stream_id, stream_version, category, event_id, type, data, metadata)
SELECT 'ceiling-' || s.id, v.k, 'ceiling', gen_random_uuid(), 'ceiling.event', v.data, '{}' FROM s, (VALUES ${values}) v(k, data);
`;
  const dir = mkdtempSync(join(tmpdir(), 'pgbench-'));
  try {
    writeFileSync(join(dir, 'insert.sql'), script);
    const url = new URL(databaseUrl);
    const run = spawnSync(
      'pgbench',
      ['-n', '-M', 'prepared', '-c', String(options.clients), '-j', '2', '-T', String(options.seconds), '-f', join(dir, 'insert.sql'), '-l', '--log-prefix', join(dir, 'tx'), '-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username || 'postgres'), url.pathname.slice(1) || 'postgres'],
      { encoding: 'utf8', env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password) } },
    );
    if (run.status !== 0) throw new Error(`pgbench failed: ${run.stderr}`);
    // Per-transaction log lines: client_id transaction_no time_us script_no time_epoch time_us_part.
    const latencies = readdirSync(dir)
      .filter((f) => f.startsWith('tx'))
      .flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n'))
      .filter((line) => line.length > 0)
      .map((line) => Number(line.split(' ')[2]) / 1000)
      .sort((a, b) => a - b);
    const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(run.stdout)?.[1]);
    if (!Number.isFinite(tps)) throw new Error(`pgbench printed no tps: ${run.stdout}`);
    return { perSecond: tps, rowsPerSecond: tps * options.rowsPerInsert, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await pool.query(`TRUNCATE ${table}`);
  }
}

/**
 * A plain INSERT of `rows` (their data) as one new stream, sent by node-postgres, the client the
 * appends use: one named statement of arrays, ids and payloads made in the client as an append
 * makes them, one transaction. Into a copy of the events table (see plainInsertCeiling).
 */
export async function nodePlainInsert(pool: Pool, namespace: string): Promise<(rows: readonly object[]) => Promise<unknown>> {
  const table = `"${namespace}".ceiling_events`;
  await pool.query(`CREATE TABLE IF NOT EXISTS ${table} (LIKE "${namespace}".events INCLUDING ALL)`);
  const text = `INSERT INTO ${table} (stream_id, stream_version, category, event_id, type, data, metadata)
    SELECT $1, i.ord, 'ceiling', i.id, 'ceiling.event', i.data, '{}' FROM unnest($2::uuid[], $3::jsonb[]) WITH ORDINALITY AS i(id, data, ord)`;
  return (rows) => pool.query({ name: 'node_insert_ceiling', text, values: [`ceiling-${randomUUID()}`, rows.map(() => randomUUID()), rows.map((row) => JSON.stringify(row))] });
}

/**
 * nodePlainInsert from `clients` connections of `pool` for `seconds`: rows/s. What separates it
 * from pgbench is the client's own cost; what separates the appends from it is the append's (its
 * checks, its function, the store's code).
 */
export async function nodeInsertCeiling(pool: Pool, namespace: string, options: { clients: number; rowsPerInsert: number; seconds: number; data: (k: number) => object }): Promise<number> {
  const insert = await nodePlainInsert(pool, namespace);
  const deadline = Date.now() + options.seconds * 1000;
  let rows = 0;
  const started = Date.now();
  try {
    await Promise.all(
      Array.from({ length: options.clients }, async () => {
        while (Date.now() < deadline) {
          await insert(Array.from({ length: options.rowsPerInsert }, (_, i) => options.data(i)));
          rows += options.rowsPerInsert;
        }
      }),
    );
    return rows / ((Date.now() - started) / 1000);
  } finally {
    await pool.query(`TRUNCATE "${namespace}".ceiling_events`);
  }
}
