import { standbyRetryDelayMs } from './standby-interval';

/**
 * The lock an election is held over: DaemonLock (a PostgreSQL session advisory lock), or a fake
 * in tests. Holding it is what makes a node the leader; nothing else is.
 */
export interface ElectionLock {
  /** True when this node now holds the lock; `onLost` fires once if it is lost later. */
  tryAcquire(onLost: (reason: string) => void): Promise<boolean>;
  /** Confirms the lock is still held; a lost lock is reported through `onLost`. */
  check(): Promise<void>;
  release(): Promise<void>;
}

/** `starting`: the lock is held and `onElected` runs; `leader` only once it has returned. */
export type ElectionRole = 'standby' | 'starting' | 'leader' | 'stopped';

export interface ElectionLogger {
  warn(message: unknown, context?: string): void;
}

export interface LeaderElectionOptions {
  readonly lock: ElectionLock;
  /** What is elected, for the log: 'daemon', 'coordinator'. */
  readonly name: string;
  readonly logger: ElectionLogger;
  /** The log context (the class using the election). */
  readonly context?: string;
  /**
   * Takes the role up once the lock is held. If it throws, `onDemoted` undoes whatever it began,
   * the lock is given back and the node stands by again.
   */
  readonly onElected: () => Promise<void>;
  /**
   * Gives the role up: the lock was lost, `stepDown` was called, `onElected` failed, or the
   * election stops. Called once per `onElected`, after it has returned; the lock is released only
   * once this resolves, so another node never leads while this one is still stepping down.
   */
  readonly onDemoted: (reason: string) => Promise<void>;
  /** Runs after each lock check while leading (e.g. supervision); a failure is logged, not fatal. */
  readonly whileLeading?: () => Promise<void>;
  /** Standby retry interval bounds; default 300–900 ms. */
  readonly retryMinMs?: number;
  readonly retryMaxMs?: number;
  /** How often the leader checks its lock (and runs `whileLeading`); default 1000 ms. */
  readonly checkMs?: number;
}

/**
 * Elects one leader among replicas over a lock. Standbys try the lock at a randomised interval;
 * the leader checks it periodically. Transitions run one after another: a node that loses the
 * lock finishes stepping down (its `onDemoted` awaited, the lock released) before it tries the
 * lock again, so one node never has two terms at once. Ticks never overlap either.
 */
export class LeaderElection {
  private current: ElectionRole = 'standby';
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();
  private transition: Promise<void> = Promise.resolve();
  /** `onElected` has been called and `onDemoted` not yet: the hooks always come in pairs. */
  private holding = false;

  constructor(private readonly options: LeaderElectionOptions) {}

  get role(): ElectionRole {
    return this.current;
  }

  start(): void {
    this.schedule(0);
  }

  /** Steps down from outside (e.g. a lease found taken over); a standby ignores it. */
  stepDown(reason: string): void {
    if (this.current !== 'leader' && this.current !== 'starting') return;
    this.current = 'standby';
    // After a start still under way: its hook returns first, then the role is given up.
    this.transition = this.transition.then(() => this.demote(reason)).then(() => this.release());
    this.schedule(this.standbyDelayMs);
  }

  /** Waits for the tick and the transition under way, steps down if elected, then releases the lock. */
  async stop(): Promise<void> {
    this.current = 'stopped';
    clearTimeout(this.timer);
    await this.ticking;
    await this.transition;
    await this.demote('stopping');
    await this.release();
  }

  private get standbyDelayMs(): number {
    return standbyRetryDelayMs(this.options.retryMinMs ?? 300, this.options.retryMaxMs ?? 900);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (this.current === 'stopped') return;
    this.timer = setTimeout(() => {
      this.ticking = this.ticking.then(() => this.tick());
    }, delayMs);
  }

  /** Never rejects: the next tick is always scheduled unless the election stopped. */
  private async tick(): Promise<void> {
    const leading = this.current === 'leader';
    try {
      if (leading) await this.lead();
      else if (this.current === 'standby') await this.tryToLead();
    } catch (error) {
      this.warn(`${this.options.name} ${leading ? 'tick' : 'lock attempt'} failed: ${(error as Error).message}`);
    }
    if (this.current === 'stopped') return;
    this.schedule(this.current === 'leader' ? (this.options.checkMs ?? 1_000) : this.standbyDelayMs);
  }

  private async lead(): Promise<void> {
    await this.options.lock.check();
    if (this.current === 'leader') await this.options.whileLeading?.();
  }

  private async tryToLead(): Promise<void> {
    // A step-down still under way ends before the lock is tried again.
    await this.transition;
    if (this.current !== 'standby') return;
    const acquired = await this.options.lock.tryAcquire((reason) => this.stepDown(reason));
    if (!acquired) return;
    if (this.current !== 'standby') {
      await this.release(); // stopped while acquiring
      return;
    }
    this.transition = this.elect();
    await this.transition;
  }

  private async elect(): Promise<void> {
    this.current = 'starting';
    this.holding = true;
    try {
      await this.options.onElected();
    } catch (error) {
      const reason = `could not start: ${(error as Error).message}`;
      this.warn(`${this.options.name} ${reason}`);
      // Otherwise stopped or stepped down meanwhile: that transition demotes and releases.
      if (this.current !== 'starting') return;
      this.current = 'standby';
      await this.demote(reason);
      await this.release();
      return;
    }
    if (this.current === 'starting') this.current = 'leader';
  }

  private async demote(reason: string): Promise<void> {
    if (!this.holding) return;
    this.holding = false;
    try {
      await this.options.onDemoted(reason);
    } catch (error) {
      // The lock is released all the same: kept, no node could lead, this one included.
      this.warn(`${this.options.name} did not step down cleanly: ${(error as Error).message}`);
    }
  }

  private async release(): Promise<void> {
    try {
      await this.options.lock.release();
    } catch (error) {
      this.warn(`${this.options.name} could not release its lock: ${(error as Error).message}`);
    }
  }

  private warn(message: string): void {
    this.options.logger.warn(message, this.options.context ?? 'LeaderElection');
  }
}
