import { agentKey, AgentHealth, nodeLockRole, parseAgentKey } from '@projectionist/cluster-nodes';
import type { ConnectionKeepAlive } from '@projectionist/event-store';
import type { AgentLogger } from '../agent/projection-agent';
import type { ProjectionDaemon } from '../daemon/projection-daemon';
import { DaemonLock } from '../hot-cold/daemon-lock';
import { agentHealth } from './agent-health';
import { AgentLeases } from './agent-leases';

export interface DistributedOptions {
  readonly databaseUrl: string;
  readonly namespace: string;
  readonly nodeId: string;
  readonly daemon: ProjectionDaemon;
  readonly logger: AgentLogger;
  /** How long a lease holds without renewal; renewed every fifth of it. */
  readonly leaseTtlMs: number;
  /** TCP keep-alive of the liveness lock's connection, so that a dead peer is noticed. */
  readonly keepAlive?: ConnectionKeepAlive;
  /** Behind and not moving for this long: the agent reports itself failing; default 30 s. */
  readonly stuckAfterMs?: number;
}

/** One agent this node was asked to run: claiming its lease, or running under its epoch. */
interface Wanted {
  readonly key: string;
  epoch: number;
  claimedAt: number;
  /** When the last claim or renewal that the database confirmed was sent: the lease holds until at least this plus its time. */
  renewedAt: number;
  progress: { position: number; at: number };
}

export interface NodeAgent {
  readonly agent: string;
  readonly health: AgentHealth;
  readonly epoch: number;
}

/**
 * Distributed mode: this node runs the agents the coordinator leader assigns it (StartAgent,
 * StopAgent on its control queue), each under a lease it claims itself. It holds a liveness lock
 * for as long as it runs, renews its leases every fifth of their time, and stops an agent whose
 * lease it could not renew (taken over) and every agent once it cannot renew them for most of a
 * lease time or loses its liveness lock: by the time another node may claim them, this one has
 * stopped, and if it was paused meanwhile the epoch fences its late writes out in the database.
 */
export class DistributedDaemon {
  private readonly lock: DaemonLock;
  private readonly leases: AgentLeases;
  private readonly wanted = new Map<string, Wanted>();
  /** Per projection, its starts and stops one after another. */
  private readonly queues = new Map<string, Promise<void>>();
  private renewTimer: NodeJS.Timeout | undefined;
  private lockTimer: NodeJS.Timeout | undefined;
  private renewing = false;
  private joining: Promise<void> = Promise.resolve();
  private state: 'stopped' | 'joining' | 'active' = 'stopped';
  /** When this node last became active (ms since epoch). */
  activeSince: number | undefined;

  constructor(private readonly options: DistributedOptions) {
    this.lock = new DaemonLock(options.databaseUrl, options.namespace, options.nodeId, nodeLockRole(options.nodeId), { keepAlive: options.keepAlive });
    this.leases = new AgentLeases(options.daemon.storage.pool, options.namespace);
    options.daemon.onLeaseLost = (projection) => this.forget(projection, 'its lease was taken over');
  }

  get role(): 'active' | 'standby' | 'stopped' {
    return this.state === 'active' ? 'active' : this.state === 'joining' ? 'standby' : 'stopped';
  }

  /** The agents this node's code can run: each async projection at its version. */
  get capabilities(): string[] {
    return this.options.daemon.asyncProjections.map((p) => agentKey(p.name, p.version));
  }

  start(): void {
    this.state = 'joining';
    this.joining = this.join();
  }

  async stop(): Promise<void> {
    const wasJoining = this.state === 'joining';
    this.state = 'stopped';
    // A join under way ends first (it gives back a lock it took meanwhile), so nothing starts after this stop.
    if (wasJoining) await this.joining;
    clearInterval(this.lockTimer);
    clearInterval(this.renewTimer);
    await Promise.all([...this.wanted.keys()].map((name) => this.stopAgent(this.wanted.get(name)!.key)));
    await this.options.daemon.stop();
    await this.lock.release();
  }

  /** What the heartbeat reports: every agent asked of this node and how it is doing. */
  agents(now = Date.now()): NodeAgent[] {
    const progress = new Map(this.options.daemon.progress().map((p) => [p.name, p]));
    return [...this.wanted].map(([name, w]) => {
      const p = progress.get(name);
      if (p && p.position !== w.progress.position) w.progress = { position: p.position, at: now };
      const health =
        w.epoch === 0 || !p
          ? 'starting'
          : agentHealth(
              { state: p.state, lagEvents: p.lagEvents, heldBack: p.heldBack !== null, sinceProgressMs: now - w.progress.at, sinceClaimMs: now - w.claimedAt, rebuilding: p.rebuild !== null && !['done', 'failed', 'cancelled'].includes(p.rebuild.phase) },
              { stuckAfterMs: this.options.stuckAfterMs ?? 30_000, startWithinMs: 3 * this.options.leaseTtlMs },
            );
      return { agent: w.key, health, epoch: w.epoch };
    });
  }

  /** StartAgent: claims the lease, waiting up to a lease time plus a margin for the previous holder, then runs the agent. */
  startAgent(key: string): Promise<void> {
    const parsed = parseAgentKey(key);
    const name = parsed?.projection ?? key;
    if (!this.capabilities.includes(key)) {
      this.options.logger.warn({ msg: 'asked to run an agent this node has no code for', agent: key }, 'DistributedDaemon');
      return Promise.resolve();
    }
    if (this.state !== 'active' || this.wanted.has(name)) return Promise.resolve();
    const wanted: Wanted = { key, epoch: 0, claimedAt: Date.now(), renewedAt: 0, progress: { position: -1, at: Date.now() } };
    this.wanted.set(name, wanted);
    return this.serially(name, () => this.claimAndRun(name, wanted));
  }

  /** StopAgent: stops the agent (its last batch committed), then releases the lease for the next owner. */
  stopAgent(key: string): Promise<void> {
    const name = parseAgentKey(key)?.projection ?? key;
    const wanted = this.wanted.get(name);
    if (!wanted || wanted.key !== key) return Promise.resolve();
    this.wanted.delete(name);
    return this.serially(name, async () => {
      const epoch = await this.options.daemon.stopProjection(name);
      if (epoch !== 0) await this.leases.release({ projection: this.options.daemon.leaseSubject(name), epoch }, this.options.nodeId).catch((e: Error) => this.warn('could not release a lease', name, e));
      this.options.logger.log({ msg: 'agent stopped', agent: key, epoch }, 'DistributedDaemon');
    });
  }

  private async claimAndRun(name: string, wanted: Wanted): Promise<void> {
    const { leaseTtlMs, nodeId, daemon, logger } = this.options;
    const giveUpAt = Date.now() + leaseTtlMs + 2_000;
    while (this.wanted.get(name) === wanted && this.state === 'active') {
      const sentAt = Date.now();
      const epoch = await this.leases.claimIfFree(daemon.leaseSubject(name), nodeId, leaseTtlMs).catch((e: Error) => void this.warn('could not claim a lease', name, e));
      if (epoch !== undefined) {
        wanted.epoch = epoch;
        wanted.claimedAt = Date.now();
        wanted.renewedAt = sentAt;
        logger.log({ msg: 'agent starting', agent: wanted.key, epoch, waitedMs: Date.now() - (giveUpAt - leaseTtlMs - 2_000) }, 'DistributedDaemon');
        await daemon.runProjection(name, epoch);
        return;
      }
      if (Date.now() > giveUpAt) {
        // Still held by a live node: the coordinator's next plan says where it runs.
        this.wanted.delete(name);
        logger.warn({ msg: 'lease still held elsewhere, not starting', agent: wanted.key }, 'DistributedDaemon');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 100));
    }
  }

  private serially(name: string, work: () => Promise<void>): Promise<void> {
    const next = (this.queues.get(name) ?? Promise.resolve()).then(work).catch((e: Error) => this.warn('agent command failed', name, e));
    this.queues.set(name, next);
    return next;
  }

  private async join(): Promise<void> {
    while (this.state === 'joining') {
      try {
        if (await this.lock.tryAcquire((reason) => void this.lockLost(reason))) {
          // Stopped while taking the lock: give it back rather than start a node nobody will stop.
          if (this.state !== 'joining') {
            await this.lock.release();
            return;
          }
          await this.options.daemon.start(new Map());
          if (this.state !== 'joining') return; // stopped meanwhile: stop() stops the daemon and releases the lock once this returns
          this.state = 'active';
          this.activeSince = Date.now();
          this.renewTimer = setInterval(() => void this.tick(), Math.max(100, Math.floor(this.options.leaseTtlMs / 5)));
          this.lockTimer = setInterval(() => void this.lock.check(), 1_000);
          this.options.logger.log({ msg: 'node joined', node: this.options.nodeId }, 'DistributedDaemon');
          return;
        }
      } catch (error) {
        this.options.logger.warn(`could not join: ${(error as Error).message}`, 'DistributedDaemon');
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  /**
   * Its liveness lock gone, other nodes may claim this node's leases at once: stop everything,
   * then join again.
   */
  private async lockLost(reason: string): Promise<void> {
    if (this.state !== 'active') return;
    this.state = 'joining';
    clearInterval(this.renewTimer);
    clearInterval(this.lockTimer);
    this.options.logger.warn({ msg: 'liveness lock lost, stopping every agent', reason }, 'DistributedDaemon');
    await this.stopAll();
    await this.options.daemon.stop();
    this.joining = this.join();
  }

  /**
   * Renews the leases, one renewal at a time. A lease may expire before it can be renewed (the
   * database is slow or unreachable, or this process was paused): past three fifths of a lease
   * time since its last renewal sent and confirmed, its agent stops while the lease is still this
   * node's, even if the renewal in flight still hangs.
   */
  private async tick(): Promise<void> {
    const { leaseTtlMs, nodeId } = this.options;
    const now = Date.now();
    for (const [name, w] of this.wanted) {
      if (w.epoch !== 0 && now - w.renewedAt > (leaseTtlMs * 3) / 5) void this.forget(name, `lease not renewed for ${now - w.renewedAt} ms`);
    }
    if (this.renewing) return;
    this.renewing = true;
    const held = [...this.wanted].filter(([, w]) => w.epoch !== 0).map(([name, w]) => ({ name, projection: this.options.daemon.leaseSubject(name), epoch: w.epoch }));
    const sentAt = Date.now();
    try {
      const renewed = await this.leases.renew(nodeId, held, leaseTtlMs);
      for (const lease of held) {
        const w = this.wanted.get(lease.name);
        if (w?.epoch !== lease.epoch) continue;
        if (renewed.has(lease.projection)) w.renewedAt = sentAt;
        else await this.forget(lease.name, 'its lease was taken over');
      }
    } catch (error) {
      this.options.logger.warn({ msg: 'could not renew leases', error: (error as Error).message }, 'DistributedDaemon');
    } finally {
      this.renewing = false;
    }
  }

  private async stopAll(): Promise<void> {
    await Promise.all([...this.wanted.keys()].map((name) => this.forget(name, 'stopping every agent')));
  }

  /** Stops the agent without touching its lease (another node has it, or the database cannot be reached). */
  private async forget(name: string, reason: string): Promise<void> {
    const wanted = this.wanted.get(name);
    this.wanted.delete(name);
    if (wanted) this.options.logger.warn({ msg: 'agent stopped', agent: wanted.key, reason }, 'DistributedDaemon');
    await this.serially(name, async () => void (await this.options.daemon.stopProjection(name)));
  }

  private warn(msg: string, projection: string, error: Error): void {
    this.options.logger.warn({ msg, projection, error: error.message }, 'DistributedDaemon');
  }
}
