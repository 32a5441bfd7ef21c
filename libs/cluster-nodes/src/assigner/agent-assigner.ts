import { quoteIdentifier } from '@projectionist/event-store';
import type { MessageBroker } from '@projectionist/messaging';
import { agentMessage } from '@projectionist/messaging-contracts';
import type { Pool } from 'pg';
import { AgentCommand, Placement, plan } from '../assignment/agent-plan';
import { clusterView, WorkerRow } from '../assignment/cluster-view';
import { nodeLockHeldSql, nodeLockPrefix } from '../registry/node-lock';

export interface AgentAssignerOptions {
  readonly pool: Pool;
  readonly namespace: string;
  readonly nodeId: string;
  readonly broker: MessageBroker;
  /** Only the coordinator leader assigns; the others watch and stay silent. */
  readonly isLeader: () => boolean;
  readonly logger: { log(message: unknown, context?: string): void; warn(message: unknown, context?: string): void };
  /** A heartbeat older than this: the node is dead. */
  readonly deadAfterMs: number;
  /** The full re-check runs at a random interval in this range, and at once when a node joins or disappears. */
  readonly planIntervalMs: { readonly min: number; readonly max: number };
  readonly maxAgentsPerNode: number;
  /** How often the live nodes are read to notice a join or a death; default 500 ms. */
  readonly watchMs?: number;
}

/** How long a command sent stands for what its node does, until its heartbeat says so itself. */
const PENDING_MS = 8_000;

/**
 * The coordinator leader's side of agent distribution: reads the workers' heartbeats and liveness
 * locks, plans (agent-plan.ts) and sends StartAgent/StopAgent to each node's control queue. A
 * command it sent recently stands in for the node's next heartbeat, so that a start is not sent
 * twice and an agent being handed over does not look like two copies.
 */
export class AgentAssigner {
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private lastLive = '';
  private nextPlanAt = 0;
  private pending: { readonly command: AgentCommand; readonly at: number }[] = [];
  /** Checks run (leading or not) and plans made (leading), for tests. */
  checks = 0;
  plansMade = 0;

  constructor(private readonly options: AgentAssignerOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.options.watchMs ?? 500);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.checks++;
    if (!this.options.isLeader()) {
      this.pending = [];
      this.lastLive = '';
      return;
    }
    this.ticking = true;
    try {
      const view = clusterView(await this.readWorkers(), { deadAfterMs: this.options.deadAfterMs, settleMs: this.options.deadAfterMs });
      const live = view.nodes.filter((n) => n.alive).map((n) => n.id).sort().join(',');
      const now = Date.now();
      if (live === this.lastLive && now < this.nextPlanAt) return;
      if (live !== this.lastLive) this.options.logger.log({ msg: 'live workers changed', live: live.split(',').filter(Boolean) }, 'AgentAssigner');
      this.lastLive = live;
      const { min, max } = this.options.planIntervalMs;
      this.nextPlanAt = now + min + Math.random() * (max - min);
      this.pending = this.pending.filter((p) => now - p.at < PENDING_MS);
      this.plansMade++;
      const commands = plan(view.nodes, view.agents, this.withPending(view.current), { maxAgentsPerNode: this.options.maxAgentsPerNode });
      if (commands.length > 0) await this.send(commands, now);
    } catch (error) {
      this.options.logger.warn({ msg: 'agent assignment failed', error: (error as Error).message }, 'AgentAssigner');
    } finally {
      this.ticking = false;
    }
  }

  /** What the nodes report, with the commands sent since in force: stops hide the copy, starts add one. */
  private withPending(current: readonly Placement[]): Placement[] {
    const stopped = new Set(this.pending.filter((p) => p.command.kind === 'stop').map((p) => `${p.command.node}/${p.command.agent}`));
    const reported = current.filter((p) => !stopped.has(`${p.node}/${p.agent}`));
    const starting = this.pending
      .filter((p) => p.command.kind === 'start' && !reported.some((r) => r.node === p.command.node && r.agent === p.command.agent))
      .map((p): Placement => ({ node: p.command.node, agent: p.command.agent, health: 'starting' }));
    return [...reported, ...starting];
  }

  private async send(commands: readonly AgentCommand[], now: number): Promise<void> {
    const { broker, nodeId, logger } = this.options;
    logger.log({ msg: 'assigning agents', commands: commands.map((c) => `${c.kind} ${c.agent} on ${c.node}`) }, 'AgentAssigner');
    // Stops first: a hand-over's new owner claims the lease once the old one released it.
    const ordered = [...commands].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'stop' ? -1 : 1));
    for (const command of ordered) {
      // A command lost (broker down) is planned again at the next check, once this one is no longer pending.
      this.pending = this.pending.filter((p) => !(p.command.node === command.node && p.command.agent === command.agent));
      this.pending.push({ command, at: now });
      const type = command.kind === 'start' ? 'StartAgent' : 'StopAgent';
      await broker.sendControl(command.node, agentMessage(type, { agent: command.agent }, nodeId)).catch((e: Error) => logger.warn({ msg: 'could not send an agent command', error: e.message }, 'AgentAssigner'));
    }
  }

  private async readWorkers(): Promise<WorkerRow[]> {
    const { rows } = await this.options.pool.query(
      `SELECT node_id, details, stopped_at IS NOT NULL AS stopped,
              extract(epoch FROM now() - heartbeat_at) * 1000 AS heartbeat_age_ms,
              extract(epoch FROM now() - started_at) * 1000 AS up_ms,
              ${nodeLockHeldSql('$1', 'node_id')} AS lock_held
         FROM ${quoteIdentifier(this.options.namespace)}.cluster_nodes WHERE app = 'projector-worker'`,
      [nodeLockPrefix(this.options.namespace)],
    );
    return rows.map((r) => ({
      nodeId: r.node_id,
      details: r.details ?? {},
      stopped: r.stopped,
      heartbeatAgeMs: Number(r.heartbeat_age_ms),
      upMs: Number(r.up_ms),
      lockHeld: r.lock_held,
    }));
  }
}
