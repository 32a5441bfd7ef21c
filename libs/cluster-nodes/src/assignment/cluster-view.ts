import { AgentHealth, Placement, PlanAgent, PlanNode } from './agent-plan';

/** A worker as the coordinator reads it: its heartbeat row and whether it holds its liveness lock. */
export interface WorkerRow {
  readonly nodeId: string;
  readonly details: Record<string, unknown>;
  /** Milliseconds since its last heartbeat, by the database clock. */
  readonly heartbeatAgeMs: number;
  /** Milliseconds since the process started. */
  readonly upMs: number;
  readonly stopped: boolean;
  readonly lockHeld: boolean;
}

/** What a worker in distributed mode puts in its heartbeat's details. */
export interface DistributedDetails {
  readonly distribution: 'distributed';
  readonly capabilities: readonly string[];
  readonly agents: readonly { readonly agent: string; readonly health: AgentHealth }[];
}

export interface ClusterView {
  readonly nodes: PlanNode[];
  readonly agents: PlanAgent[];
  readonly current: Placement[];
}

export interface ViewLimits {
  /** A heartbeat older than this: the node is dead. */
  readonly deadAfterMs: number;
  /** Up for less than this: the node may be flapping, agents are not moved to it for balance. */
  readonly settleMs: number;
}

const HEALTHS: readonly AgentHealth[] = ['starting', 'running', 'rebuilding', 'failing', 'error'];

function distributedDetails(details: Record<string, unknown>): DistributedDetails | undefined {
  if (details.distribution !== 'distributed' || !Array.isArray(details.capabilities) || !Array.isArray(details.agents)) return undefined;
  const capabilities = details.capabilities.filter((c): c is string => typeof c === 'string');
  const agents = (details.agents as unknown[]).flatMap((a) => {
    const { agent, health } = (a ?? {}) as { agent?: unknown; health?: unknown };
    return typeof agent === 'string' && HEALTHS.includes(health as AgentHealth) ? [{ agent, health: health as AgentHealth }] : [];
  });
  return { distribution: 'distributed', capabilities, agents };
}

/**
 * Pure: the planner's input from the workers' rows. A node is alive while its heartbeat is on
 * time, it has not signed off, and it holds its liveness lock (gone the moment a killed node's
 * connection ends). The agents wanted are every version some live node's code has.
 */
export function clusterView(rows: readonly WorkerRow[], limits: ViewLimits): ClusterView {
  const nodes: PlanNode[] = [];
  const current: Placement[] = [];
  const wanted = new Set<string>();
  for (const row of rows) {
    const details = distributedDetails(row.details);
    if (!details) continue; // a HotCold worker, or an older release: not ours to assign
    const alive = !row.stopped && row.lockHeld && row.heartbeatAgeMs <= limits.deadAfterMs;
    nodes.push({ id: row.nodeId, alive, settled: row.upMs >= limits.settleMs, capabilities: details.capabilities });
    if (!alive) continue;
    for (const key of details.capabilities) wanted.add(key);
    for (const a of details.agents) current.push({ node: row.nodeId, agent: a.agent, health: a.health });
  }
  return { nodes, agents: [...wanted].sort().map((key) => ({ key })), current };
}
