import { AgentLogger } from '../agent/projection-agent';
import { ProjectionDaemon } from '../daemon/projection-daemon';
import { DaemonLock } from './daemon-lock';
import { standbyRetryDelayMs } from './standby-interval';

/** `starting`: the lock is held and the daemon is starting; `active` only once it has started. */
export type DaemonRole = 'standby' | 'starting' | 'active' | 'stopped';

export interface HotColdOptions {
  readonly databaseUrl: string;
  readonly namespace: string;
  readonly nodeId: string;
  readonly daemon: ProjectionDaemon;
  readonly logger: AgentLogger;
  /** Standby retry interval bounds; default 300–900 ms. */
  readonly retryMinMs?: number;
  readonly retryMaxMs?: number;
  /** How often the active node checks its lock connection; default 1000 ms. */
  readonly lockCheckMs?: number;
}

/**
 * Several worker replicas, one active daemon. The node holding the lock claims every
 * projection's lease (a new epoch) and runs the daemon; the others retry at a randomised
 * interval. Losing the lock, or finding a lease taken over, stops all applying at once; the
 * epochs fence any commit still in flight.
 *
 * Transitions run one after another: a node that loses its lock finishes stopping its daemon
 * (rebuilds included) before it tries the lock again, so one node never has two terms at once.
 */
export class HotColdDaemon {
  private role: DaemonRole = 'standby';
  private readonly lock: DaemonLock;
  private timer: NodeJS.Timeout | undefined;
  private transition: Promise<void> = Promise.resolve();
  private ticking: Promise<void> = Promise.resolve();
  /** When this node last became active (ms since epoch). */
  activeSince: number | undefined;
  /** How long the last start took, from taking the lock to active (claims and agents started). */
  lastStartMs: number | undefined;

  constructor(private readonly options: HotColdOptions) {
    this.lock = new DaemonLock(options.databaseUrl, options.namespace, options.nodeId);
    options.daemon.onLeaseLost = () => this.stepDown('a projection lease was taken over');
  }

  get currentRole(): DaemonRole {
    return this.role;
  }

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.role = 'stopped';
    await this.ticking;
    await this.transition;
    await this.options.daemon.stop();
    await this.lock.release();
  }

  private get standbyDelayMs(): number {
    return standbyRetryDelayMs(this.options.retryMinMs ?? 300, this.options.retryMaxMs ?? 900);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (this.role === 'stopped') return;
    this.timer = setTimeout(() => {
      this.ticking = this.tick();
    }, delayMs);
  }

  private async tick(): Promise<void> {
    if (this.role === 'active') {
      await this.lock.check();
      this.schedule(this.options.lockCheckMs ?? 1_000);
      return;
    }
    // A step-down still stopping the daemon ends before the lock is tried again.
    await this.transition;
    if (this.role === 'stopped') return;
    try {
      const acquired = await this.lock.tryAcquire((reason) => this.stepDown(reason));
      if (acquired && (this.role as DaemonRole) === 'stopped') {
        await this.lock.release();
        return;
      }
      if (acquired) {
        this.role = 'starting';
        this.transition = this.becomeActive();
        await this.transition;
      }
    } catch (error) {
      this.options.logger.warn(`daemon lock attempt failed: ${(error as Error).message}`, 'HotColdDaemon');
    }
    const role = this.role as DaemonRole;
    if (role === 'stopped') return;
    this.schedule(role === 'active' ? (this.options.lockCheckMs ?? 1_000) : this.standbyDelayMs);
  }

  private async becomeActive(): Promise<void> {
    const { daemon, nodeId, logger } = this.options;
    const lockedAt = Date.now();
    try {
      const epochs = await daemon.storage.fence.claimAll(
        daemon.asyncProjections.map((p) => p.name),
        nodeId,
      );
      if (this.role !== 'starting') return; // stopped or stepped down meanwhile: that transition releases the lock
      await daemon.start(epochs);
      if (this.role !== 'starting') return;
      this.role = 'active';
      this.activeSince = Date.now();
      this.lastStartMs = this.activeSince - lockedAt;
      logger.log({ msg: 'daemon active', node: nodeId, startMs: this.lastStartMs, epochs: Object.fromEntries(epochs) }, 'HotColdDaemon');
    } catch (error) {
      logger.error({ msg: 'daemon could not start', node: nodeId, error: (error as Error).message }, 'HotColdDaemon');
      await daemon.stop().catch(() => undefined);
      await this.lock.release();
      if (this.role === 'starting') this.role = 'standby';
    }
  }

  private stepDown(reason: string): void {
    if (this.role !== 'active' && this.role !== 'starting') return;
    this.role = 'standby';
    this.activeSince = undefined;
    this.options.logger.warn({ msg: 'daemon standing down', reason }, 'HotColdDaemon');
    this.transition = this.transition
      .then(() => this.options.daemon.stop())
      .then(() => this.lock.release())
      .catch((error: Error) => this.options.logger.error(error, 'HotColdDaemon'));
    this.schedule(this.standbyDelayMs);
  }
}
