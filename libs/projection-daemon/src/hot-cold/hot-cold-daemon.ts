import { ConnectionKeepAlive } from '@projectionist/event-store';
import { LeaderElection } from '@projectionist/leader-election';
import { opsCounters } from '@projectionist/observability';
import { AgentLogger } from '../agent/projection-agent';
import { ProjectionDaemon } from '../daemon/projection-daemon';
import { AllProjections, ProjectionDistributor } from '../daemon/projection-distributor';
import { DaemonLock } from './daemon-lock';

/** `starting`: the lock is held and the daemon is starting; `active` only once it has started. */
export type DaemonRole = 'standby' | 'starting' | 'active' | 'stopped';

export interface HotColdOptions {
  readonly databaseUrl: string;
  readonly namespace: string;
  readonly nodeId: string;
  readonly daemon: ProjectionDaemon;
  readonly logger: AgentLogger;
  /** Which async projections the active node runs; default all of them. */
  readonly distributor?: ProjectionDistributor;
  /** Standby retry interval bounds; default 300–900 ms. */
  readonly retryMinMs?: number;
  readonly retryMaxMs?: number;
  /** How often the active node checks its lock connection; default 1000 ms. */
  readonly lockCheckMs?: number;
  /** TCP keepalive of the lock connection (DaemonLock); unset: the OS defaults. */
  readonly keepAlive?: ConnectionKeepAlive;
}

/**
 * Several worker replicas, one active daemon. The node elected over the daemon lock claims the
 * lease of every projection its distributor assigns it (a new epoch each) and runs the daemon;
 * the others stand by. Losing the lock, or finding a lease taken over, stops all applying at
 * once; the epochs fence any commit still in flight.
 *
 * The election runs transitions one after another: a node that loses its lock finishes stopping
 * its daemon (rebuilds included) and releases the lock before it tries the lock again, so one
 * node never has two terms at once.
 */
export class HotColdDaemon {
  private readonly election: LeaderElection;
  private readonly distributor: ProjectionDistributor;
  private startedAt: number | undefined;
  /** How long the last start took, from taking the lock to active (claims and agents started). */
  lastStartMs: number | undefined;

  constructor(private readonly options: HotColdOptions) {
    this.distributor = options.distributor ?? new AllProjections();
    this.election = new LeaderElection({
      lock: new DaemonLock(options.databaseUrl, options.namespace, options.nodeId, 'daemon', { keepAlive: options.keepAlive }),
      name: 'daemon',
      logger: options.logger,
      context: 'HotColdDaemon',
      retryMinMs: options.retryMinMs,
      retryMaxMs: options.retryMaxMs,
      checkMs: options.lockCheckMs,
      onElected: () => this.becomeActive(),
      onDemoted: (reason) => this.standDown(reason),
    });
    options.daemon.onLeaseLost = () => this.election.stepDown('a projection lease was taken over');
  }

  get currentRole(): DaemonRole {
    const role = this.election.role;
    return role === 'leader' ? 'active' : role;
  }

  /** When this node last became active (ms since epoch); unset unless it is active now. */
  get activeSince(): number | undefined {
    return this.currentRole === 'active' ? this.startedAt : undefined;
  }

  start(): void {
    this.election.start();
  }

  async stop(): Promise<void> {
    await this.election.stop();
  }

  private async becomeActive(): Promise<void> {
    const { daemon, nodeId, logger } = this.options;
    const lockedAt = Date.now();
    const names = this.distributor.assigned(daemon.asyncProjections.map((p) => p.name));
    const epochs = await daemon.storage.fence.claimAll(names, nodeId);
    // Stopped or stepped down meanwhile: the election demotes once this returns, which stops the daemon.
    if (this.election.role !== 'starting') return;
    await daemon.start(epochs);
    if (this.election.role !== 'starting') return;
    this.startedAt = Date.now();
    this.lastStartMs = this.startedAt - lockedAt;
    logger.log({ msg: 'daemon active', node: nodeId, startMs: this.lastStartMs, epochs: Object.fromEntries(epochs) }, 'HotColdDaemon');
  }

  /** Also undoes a start that failed halfway, which may have started some agents. */
  private async standDown(reason: string): Promise<void> {
    this.options.logger.warn({ msg: 'daemon standing down', reason }, 'HotColdDaemon');
    opsCounters.leaseLosses.inc({ kind: 'election-lock' });
    await this.options.daemon.stop();
  }
}
