import { quoteIdentifier } from '@projectionist/event-store';
import { TestCluster } from './test-cluster';

export interface LeaseRow {
  readonly projection: string;
  readonly holder: string;
  readonly epoch: number;
  /** An agent has bound its token under this epoch: it runs (or is about to apply). */
  readonly bound: boolean;
}

/**
 * Every projection's lease as the database has it: who may write it now; distributed, one per
 * agent (`CarView@1`). Reactors' leases (`reactor:<name>`, HotCold on their own lock) are not agents.
 */
export async function leases(cluster: TestCluster): Promise<LeaseRow[]> {
  const { rows } = await cluster.pool.query(
    `SELECT projection, holder, epoch, agent IS NOT NULL AND (expires_at IS NULL OR expires_at > now()) AS bound
       FROM ${quoteIdentifier(cluster.db.namespace)}.projection_leases WHERE projection NOT LIKE 'reactor:%' ORDER BY projection`,
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

export interface CheckpointWrite {
  readonly id: number;
  readonly projection: string;
  /** The node whose connection committed it (application_name `<namespace>:<node id>`). */
  readonly writer: string;
  /** The lease as the committing transaction saw it: its holder and epoch. */
  readonly holder: string;
  readonly epoch: number;
  readonly at: Date;
}

/**
 * Records every committed write of a live checkpoint (each commit of an agent writes it in the
 * same transaction as the table) with the node that committed it and the lease as that
 * transaction saw it. A write rolled back by the fence leaves no row: what is here was written.
 */
export async function auditCheckpointWrites(cluster: TestCluster): Promise<() => Promise<CheckpointWrite[]>> {
  const s = quoteIdentifier(cluster.db.namespace);
  await cluster.pool.query(`
    CREATE TABLE ${s}.checkpoint_writes (id bigserial PRIMARY KEY, projection text, writer text, holder text, epoch bigint, at timestamptz DEFAULT clock_timestamp());
    CREATE FUNCTION ${s}.audit_checkpoint_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO ${s}.checkpoint_writes (projection, writer, holder, epoch)
        SELECT NEW.projection, split_part(current_setting('application_name'), ':', 2), l.holder, l.epoch
          FROM ${s}.projection_leases l WHERE l.projection IN (NEW.projection || '@' || NEW.version, NEW.projection)
         ORDER BY l.projection = NEW.projection LIMIT 1;
      RETURN NEW;
    END $$;
    CREATE TRIGGER audit_checkpoint_write AFTER INSERT OR UPDATE ON ${s}.projection_checkpoints
      FOR EACH ROW WHEN (NEW.slot = 'live') EXECUTE FUNCTION ${s}.audit_checkpoint_write();`);
  return async () =>
    (await cluster.pool.query(`SELECT * FROM ${s}.checkpoint_writes ORDER BY id`)).rows.map((r) => ({ ...r, id: Number(r.id), epoch: Number(r.epoch) }));
}
