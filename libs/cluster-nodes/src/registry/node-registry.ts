import { quoteIdentifier } from '@projectionist/event-store';
import { hostname } from 'node:os';
import type { Pool } from 'pg';
import { NodeStatus, nodeStatus } from './node-status';

export interface NodeDescription {
  /** What the node does right now, e.g. `active`/`standby` for a worker, `leader`/`standby` for a coordinator. */
  readonly role: string;
  readonly details?: Record<string, unknown>;
}

export interface NodeRegistryOptions {
  readonly pool: Pool;
  readonly namespace: string;
  readonly nodeId: string;
  readonly app: string;
  readonly port: number;
  readonly intervalMs: number;
  readonly describe: () => NodeDescription;
  readonly onError?: (error: Error) => void;
}

export interface ClusterNode {
  readonly nodeId: string;
  readonly app: string;
  readonly role: string;
  readonly status: NodeStatus;
  readonly host: string;
  readonly pid: number;
  readonly port: number;
  readonly details: Record<string, unknown>;
  /** The agents a worker in distributed mode runs or is starting, with their health (from its heartbeat); empty otherwise. */
  readonly agents: readonly { readonly agent: string; readonly health: string }[];
  readonly startedAt: string;
  readonly heartbeatAt: string;
  readonly stoppedAt: string | null;
}

/** Records this node's heartbeat in `cluster_nodes` and lists every node with its status. */
export class NodeRegistry {
  private readonly table: string;
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt = new Date();

  constructor(private readonly options: NodeRegistryOptions) {
    this.table = `${quoteIdentifier(options.namespace)}.cluster_nodes`;
  }

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat().catch((error: Error) => this.options.onError?.(error)), this.options.intervalMs);
    this.timer.unref();
  }

  /** Signs off, so that operators see a clean stop rather than a node gone silent. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.options.pool.query(`UPDATE ${this.table} SET stopped_at = now() WHERE node_id = $1`, [this.options.nodeId]);
  }

  async list(now = new Date()): Promise<ClusterNode[]> {
    const { rows } = await this.options.pool.query(`SELECT *, now() AS db_now FROM ${this.table} ORDER BY app, node_id`);
    return rows.map((r) => ({
      nodeId: r.node_id,
      app: r.app,
      role: r.role,
      // The database clock judges heartbeats it stamped itself: no skew between nodes.
      status: nodeStatus(r.heartbeat_at, r.stopped_at, r.interval_ms, r.db_now ?? now),
      host: r.host,
      pid: r.pid,
      port: r.port,
      details: r.details,
      agents: agentsOf(r.details),
      startedAt: r.started_at.toISOString(),
      heartbeatAt: r.heartbeat_at.toISOString(),
      stoppedAt: r.stopped_at?.toISOString() ?? null,
    }));
  }

  private async beat(): Promise<void> {
    const { role, details = {} } = this.options.describe();
    const o = this.options;
    await o.pool.query(
      `INSERT INTO ${this.table} (node_id, app, role, host, pid, port, details, started_at, heartbeat_at, interval_ms, stopped_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now(), $9, NULL)
       ON CONFLICT (node_id) DO UPDATE SET app = $2, role = $3, host = $4, pid = $5, port = $6, details = $7, started_at = $8,
         heartbeat_at = now(), interval_ms = $9, stopped_at = NULL`,
      [o.nodeId, o.app, role, hostname(), process.pid, o.port, details, this.startedAt, o.intervalMs],
    );
  }
}

/** The ids of `app`'s nodes whose heartbeat is current (status `up`), judged by the database clock. */
export async function upNodeIds(pool: Pool, namespace: string, app: string): Promise<string[]> {
  const { rows } = await pool.query(`SELECT node_id, heartbeat_at, stopped_at, interval_ms, now() AS db_now FROM ${quoteIdentifier(namespace)}.cluster_nodes WHERE app = $1 ORDER BY node_id`, [app]);
  return rows.filter((r) => nodeStatus(r.heartbeat_at, r.stopped_at, r.interval_ms, r.db_now) === 'up').map((r) => r.node_id as string);
}

function agentsOf(details: Record<string, unknown> | null): ClusterNode['agents'] {
  const agents = details?.agents;
  if (!Array.isArray(agents)) return [];
  return agents.flatMap((a) => (typeof a?.agent === 'string' && typeof a?.health === 'string' ? [{ agent: a.agent, health: a.health }] : []));
}
