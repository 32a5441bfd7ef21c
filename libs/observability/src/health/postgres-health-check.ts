import type { Pool } from 'pg';
import { HealthCheck } from './health-check';

export function postgresHealthCheck(pool: Pool): HealthCheck {
  return { name: 'postgres', check: async () => void (await pool.query('SELECT 1')) };
}
