import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';

export const TEST_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEST_AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export interface TestNamespace {
  /** Unique per call: use it as the NAMESPACE of everything the test file creates. */
  readonly namespace: string;
  readonly databaseUrl: string;
  readonly pool: Pool;
  /** Drops the namespace's schema and closes the pool. */
  drop(): Promise<void>;
}

/** A fresh, uniquely named namespace, so test files run in parallel and reruns never see old data. */
export function uniqueNamespace(label: string): string {
  const safe = label.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 20);
  return `t_${safe}_${randomBytes(4).toString('hex')}`;
}

export async function createTestNamespace(label: string, poolSize = 10): Promise<TestNamespace> {
  const namespace = uniqueNamespace(label);
  const pool = new Pool({ connectionString: TEST_DATABASE_URL, max: poolSize });
  return {
    namespace,
    databaseUrl: TEST_DATABASE_URL,
    pool,
    async drop() {
      await pool.query(`DROP SCHEMA IF EXISTS "${namespace}" CASCADE`);
      await pool.end();
    },
  };
}
