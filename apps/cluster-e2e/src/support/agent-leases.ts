import { quoteIdentifier } from '@projectionist/event-store';
import { TestCluster } from './test-cluster';

export interface LeaseRow {
  readonly projection: string;
  readonly holder: string;
  readonly epoch: number;
  /** An agent has bound its token under this epoch: it runs (or is about to apply). */
  readonly bound: boolean;
}

/** Every projection's lease as the database has it: who may write it now. */
export async function leases(cluster: TestCluster): Promise<LeaseRow[]> {
  const { rows } = await cluster.pool.query(
    `SELECT projection, holder, epoch, agent IS NOT NULL AND (expires_at IS NULL OR expires_at > now()) AS bound
       FROM ${quoteIdentifier(cluster.db.namespace)}.projection_leases ORDER BY projection`,
  );
  return rows.map((r) => ({ projection: r.projection, holder: r.holder, epoch: Number(r.epoch), bound: r.bound }));
}

/** How many running agents each node holds: `{ w1: 2, w2: 2, w3: 2 }`. */
export function spread(rows: readonly LeaseRow[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of rows.filter((r) => r.bound)) counts[r.holder] = (counts[r.holder] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort());
}

/** The p-th percentile (0–100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}
