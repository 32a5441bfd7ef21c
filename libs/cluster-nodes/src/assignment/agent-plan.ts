/**
 * Pure: where every agent should run. The coordinator leader calls `plan` with what the
 * heartbeats say and sends the commands it returns over each node's control queue; nothing here
 * does I/O, so each rule is a given/when/then case in agent-plan.unit.spec.ts.
 *
 * Exclusivity does not rest on this plan: a node starts an agent only after claiming its lease,
 * which fences every other holder in the database. A wrong or late plan costs time, never a
 * double apply.
 */

/** An agent is a projection at one version: `CarView@2`. Nodes whose code has other versions cannot run it. */
export type AgentKey = string;

export const agentKey = (projection: string, version: number): AgentKey => `${projection}@${version}`;

export function parseAgentKey(key: AgentKey): { projection: string; version: number } | undefined {
  const match = /^(.+)@(\d+)$/.exec(key);
  return match ? { projection: match[1], version: Number(match[2]) } : undefined;
}

/**
 * How an agent is doing on its node. `failing`: it cannot start or makes no progress while behind
 * (the node's problem: run it elsewhere); `error`: stopped on an event it cannot apply (the
 * projection's problem, the same on every node: left in place for an operator); `rebuilding`:
 * healthy, but not moved for balance, which would cancel its rebuild.
 */
export type AgentHealth = 'starting' | 'running' | 'rebuilding' | 'failing' | 'error';

export interface PlanNode {
  readonly id: string;
  /** Heartbeat on time and its lock connection held. Dead nodes get no commands and count for nothing. */
  readonly alive: boolean;
  /** Joined long enough ago that agents may be moved to it (a flapping node only gets orphans). */
  readonly settled: boolean;
  /** The agents this node's code can run. */
  readonly capabilities: readonly AgentKey[];
}

export interface PlanAgent {
  readonly key: AgentKey;
  /** Relative cost; default 1. The spread evens out the sum of weights per node. */
  readonly weight?: number;
}

export interface Placement {
  readonly node: string;
  readonly agent: AgentKey;
  readonly health: AgentHealth;
}

export interface PlanOptions {
  /** The most agents one node runs (0: no limit). */
  readonly maxAgentsPerNode?: number;
  /** Agents moved for balance in one plan, so that a join hands over gradually; default 2. */
  readonly maxMoves?: number;
}

export type AgentCommand = { readonly kind: 'start' | 'stop'; readonly node: string; readonly agent: AgentKey };

interface Load {
  readonly node: PlanNode;
  weight: number;
  count: number;
  readonly agents: Map<AgentKey, AgentHealth>;
}

export function plan(nodes: readonly PlanNode[], agents: readonly PlanAgent[], current: readonly Placement[], options: PlanOptions = {}): AgentCommand[] {
  const cap = options.maxAgentsPerNode || Infinity;
  const weightOf = new Map(agents.map((a) => [a.key, a.weight ?? 1]));
  const loads = new Map<string, Load>(
    nodes.filter((n) => n.alive).map((node) => [node.id, { node, weight: 0, count: 0, agents: new Map<AgentKey, AgentHealth>() }]),
  );
  const commands: AgentCommand[] = [];
  const start = (load: Load, agent: AgentKey, health: AgentHealth = 'starting') => {
    commands.push({ kind: 'start', node: load.node.id, agent });
    add(load, agent, health);
  };
  const add = (load: Load, agent: AgentKey, health: AgentHealth) => {
    load.agents.set(agent, health);
    load.weight += weightOf.get(agent) ?? 1;
    load.count++;
  };
  const stop = (load: Load, agent: AgentKey) => {
    commands.push({ kind: 'stop', node: load.node.id, agent });
    if (!load.agents.delete(agent)) return;
    load.weight -= weightOf.get(agent) ?? 1;
    load.count--;
  };

  // 1. What live nodes run: unwanted agents and extraneous copies stop; the best copy stays.
  const sorted = [...current].sort((a, b) => rank(a.health) - rank(b.health) || a.node.localeCompare(b.node));
  const placed = new Map<AgentKey, Load>();
  for (const p of sorted) {
    const load = loads.get(p.node);
    if (!load) continue; // a dead node's agents are fenced out by their leases: nothing to send
    if (load.agents.has(p.agent)) continue; // reported twice
    const wanted = weightOf.has(p.agent) && load.node.capabilities.includes(p.agent);
    if (!wanted || placed.has(p.agent)) {
      commands.push({ kind: 'stop', node: p.node, agent: p.agent });
      continue;
    }
    add(load, p.agent, p.health);
    placed.set(p.agent, load);
  }

  // 2. A node over its cap sheds its newest-ranked agents; failing agents leave their node if another can take them.
  const avoid = new Map<AgentKey, string>();
  for (const load of loads.values()) {
    for (const [agent, health] of load.agents) {
      const over = load.count > cap;
      if (over || (health === 'failing' && candidates(agent, load.node.id).length > 0)) {
        stop(load, agent);
        placed.delete(agent);
        avoid.set(agent, load.node.id);
      }
    }
  }

  // 3. Agents running nowhere start on the least loaded node that has their code, heaviest first.
  function candidates(agent: AgentKey, except?: string): Load[] {
    return [...loads.values()].filter((l) => l.node.id !== except && l.node.capabilities.includes(agent) && l.count < cap);
  }
  const orphans = agents.filter((a) => !placed.has(a.key)).sort((a, b) => (b.weight ?? 1) - (a.weight ?? 1) || a.key.localeCompare(b.key));
  for (const { key } of orphans) {
    const target = leastLoaded(candidates(key, avoid.get(key)));
    if (!target) continue; // no live node has its code (or room): it waits for one
    start(target, key);
    placed.set(key, target);
  }

  // 4. Balance: move running agents from the most to the least loaded settled node while that narrows the gap.
  for (let moves = 0; moves < (options.maxMoves ?? 2); moves++) {
    // A node an agent just failed on takes no agent for balance in this plan.
    const move = bestMove([...loads.values()], weightOf, cap, new Set(avoid.values()));
    if (!move) break;
    stop(move.from, move.agent);
    start(move.to, move.agent);
  }
  return commands;
}

function rank(health: AgentHealth): number {
  return { running: 0, rebuilding: 0, error: 1, starting: 2, failing: 3 }[health];
}

function leastLoaded(loads: Load[]): Load | undefined {
  return loads.sort((a, b) => a.weight - b.weight || a.count - b.count || a.node.id.localeCompare(b.node.id))[0];
}

function bestMove(loads: Load[], weightOf: Map<AgentKey, number>, cap: number, troubled: ReadonlySet<string>): { from: Load; to: Load; agent: AgentKey } | undefined {
  const byWeight = [...loads].sort((a, b) => b.weight - a.weight || a.node.id.localeCompare(b.node.id));
  for (const from of byWeight) {
    // Only agents that run and are healthy move: one starting is still settling, one rebuilding would lose its run, one in error stays for the operator.
    const movable = [...from.agents].filter(([, h]) => h === 'running').map(([a]) => a).sort();
    for (const agent of movable) {
      const w = weightOf.get(agent) ?? 1;
      const targets = loads.filter((to) => to !== from && to.node.settled && !troubled.has(to.node.id) && to.count < cap && to.node.capabilities.includes(agent) && to.weight + w < from.weight);
      const to = leastLoaded(targets);
      if (to) return { from, to, agent };
    }
  }
  return undefined;
}
