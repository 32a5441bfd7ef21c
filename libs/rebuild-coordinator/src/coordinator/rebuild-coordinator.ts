import { ElectionLock, LeaderElection } from '@projectionist/leader-election';
import type { MessageBroker, Subscription } from '@projectionist/messaging';
import { isRebuildMessage, MessageEnvelope, rebuildMessage } from '@projectionist/messaging-contracts';
import { RebuildCommand, RebuildRejected } from '@projectionist/rebuild-state';
import type { RebuildBoardPort } from '@projectionist/shared-cache';
import { RebuildRunStorePort } from '../runs/rebuild-run-store.port';

export interface CoordinatorLogger {
  log(message: unknown, context?: string): void;
  warn(message: unknown, context?: string): void;
}

/** The lock the coordinator is elected over: DaemonLock (PostgreSQL), or a fake in unit tests. */
export type { ElectionLock };

export interface RebuildCoordinatorOptions {
  readonly store: Pick<RebuildRunStorePort, 'get' | 'apply' | 'active'>;
  readonly broker: MessageBroker;
  readonly lock: ElectionLock;
  readonly nodeId: string;
  readonly logger: CoordinatorLogger;
  /** How often the leader checks leases and re-sends StartRebuild for runs no worker took; default 1000 ms. */
  readonly tickMs?: number;
  /** Shares the active runs with every node (the write-guards) after each change. */
  readonly board?: Pick<RebuildBoardPort, 'publish'>;
}

/**
 * The coordinator: replicas elect a leader through a PostgreSQL lock; the leader consumes the
 * command queue and the workers' events and applies them to the durable runs, checks the
 * workers' leases, and (after a takeover too) keeps asking for runs no worker has picked up.
 */
export class RebuildCoordinator {
  private readonly election: LeaderElection;
  private subscriptions: Subscription[] = [];

  constructor(private readonly options: RebuildCoordinatorOptions) {
    this.election = new LeaderElection({
      lock: options.lock,
      name: 'coordinator',
      logger: options.logger,
      context: 'RebuildCoordinator',
      checkMs: options.tickMs,
      onElected: () => this.becomeLeader(),
      onDemoted: (reason) => this.stepDown(reason),
      whileLeading: () => this.superviseRuns(),
    });
  }

  get isLeader(): boolean {
    return this.election.role === 'leader';
  }

  start(): void {
    this.election.start();
  }

  async stop(): Promise<void> {
    await this.election.stop();
  }

  private async becomeLeader(): Promise<void> {
    this.options.logger.log({ msg: 'coordinator leader', node: this.options.nodeId }, 'RebuildCoordinator');
    const { broker } = this.options;
    // One at a time, so that a failed start leaves stepDown every consumer it opened to cancel.
    this.subscriptions.push(await broker.consume('commands', (m) => this.onCommand(m)));
    this.subscriptions.push(await broker.consume('coordinator-events', (m) => this.onWorkerEvent(m)));
    // The consumers make this node the leader; supervision that fails now runs again on the next check.
    await this.superviseRuns().catch((error: Error) => this.options.logger.warn(`coordinator could not supervise the runs: ${error.message}`, 'RebuildCoordinator'));
  }

  private async stepDown(reason: string): Promise<void> {
    this.options.logger.warn({ msg: 'coordinator stepping down', reason }, 'RebuildCoordinator');
    const subscriptions = this.subscriptions;
    this.subscriptions = [];
    await Promise.all(subscriptions.map((s) => s.cancel()));
  }

  private async onCommand(message: MessageEnvelope): Promise<void> {
    if (isRebuildMessage(message, 'RequestRebuild')) {
      const run = await this.options.store.get(message.payload.runId);
      if (run?.phase === 'Stopping') await this.askWorkers(run.id, run.projection);
    } else if (isRebuildMessage(message, 'CancelRebuild')) {
      await this.apply(message.payload.runId, { kind: 'Cancel' });
      await this.options.broker.sendControl('all', rebuildMessage('AbortRebuild', { runId: message.payload.runId }, this.options.nodeId));
    }
  }

  private async onWorkerEvent(message: MessageEnvelope): Promise<void> {
    if (isRebuildMessage(message, 'RebuildStarted')) {
      await this.apply(message.payload.runId, { kind: 'WorkerStopped', worker: message.payload.worker });
    } else if (isRebuildMessage(message, 'RebuildProgress')) {
      const { runId, worker, processed, total, eventsPerSecond, etaMs } = message.payload;
      await this.apply(runId, { kind: 'Progress', worker, progress: { processed, total, eventsPerSecond, etaMs } });
    } else if (isRebuildMessage(message, 'RebuildCompleted')) {
      const { runId, worker, processed, total, eventsPerSecond } = message.payload;
      await this.apply(runId, { kind: 'WorkerCompleted', worker, progress: { processed, total, eventsPerSecond, etaMs: 0 } });
      await this.apply(runId, { kind: 'Restarted', worker });
    } else if (isRebuildMessage(message, 'RebuildFailed')) {
      const { runId, worker, reason, eventPosition } = message.payload;
      await this.apply(runId, { kind: 'WorkerFailed', worker, failure: { reason, eventPosition } });
    }
  }

  /** Publishing failures are logged: the gateways then fall back to PostgreSQL, never open on a guess. */
  private async share(): Promise<void> {
    try {
      await this.options.board?.publish(await this.options.store.active());
    } catch (error) {
      this.options.logger.warn(`could not share the rebuild state: ${(error as Error).message}`, 'RebuildCoordinator');
    }
  }

  /** Leases first (a silent worker fails its run), then runs still waiting for a worker. */
  private async superviseRuns(): Promise<void> {
    await this.share();
    for (const run of await this.options.store.active()) {
      if (run.phase === 'Stopping') await this.askWorkers(run.id, run.projection);
      else await this.apply(run.id, { kind: 'CheckLease' });
    }
  }

  private async askWorkers(runId: string, projection: string): Promise<void> {
    await this.options.broker.sendControl('all', rebuildMessage('StartRebuild', { runId, projection }, this.options.nodeId));
  }

  /** A late or duplicate report (e.g. progress after a cancel) is logged, not retried. */
  private async apply(runId: string, command: Exclude<RebuildCommand, { kind: 'Request' }>): Promise<void> {
    try {
      const { transitions, run } = await this.options.store.apply(runId, command);
      for (const t of transitions) if (t.kind === 'Entered') this.options.logger.log({ msg: 'rebuild phase', runId, projection: run.projection, phase: t.phase }, 'RebuildCoordinator');
      if (transitions.length > 0) await this.share();
    } catch (error) {
      if (error instanceof RebuildRejected || error instanceof RangeError) {
        this.options.logger.warn(`ignored ${command.kind} for ${runId}: ${error.message}`, 'RebuildCoordinator');
        return;
      }
      throw error;
    }
  }
}
