import { ElectionLock, LeaderElection } from '@projectionist/leader-election';
import type { MessageBroker } from '@projectionist/messaging';
import { opsCounters } from '@projectionist/observability';
import { isRebuildMessage, MessageEnvelope, rebuildMessage } from '@projectionist/messaging-contracts';
import { awaitsWorker, partitionsAwaitingWorker, RebuildCommand, RebuildRejected, RebuildRun, RebuildTransition } from '@projectionist/rebuild-state';
import type { RebuildBoardPort } from '@projectionist/shared-cache';
import { RebuildRunStorePort } from '../runs/rebuild-run-store.port';

export interface CoordinatorLogger {
  log(message: unknown, context?: string): void;
  warn(message: unknown, context?: string): void;
}

/** Phases a run ends in: counted once, by the leader that recorded them. */
const ENDED = new Set(['Completed', 'Failed', 'Cancelled']);

/** The lock the coordinator is elected over: DaemonLock (PostgreSQL), or a fake in unit tests. */
export type { ElectionLock };

/**
 * Where the leader's messages come from: the commands and the workers' events, read only while
 * this node leads (BrokerTransport, whose `@EventPattern` handlers call handleCommand and
 * handleWorkerEvent; see CoordinatorMessages).
 */
export interface CoordinatorInbox {
  resume(): Promise<void>;
  pause(): Promise<void>;
}

export interface RebuildCoordinatorOptions {
  readonly inbox: CoordinatorInbox;
  readonly store: Pick<RebuildRunStorePort, 'get' | 'apply' | 'active' | 'snapshot'>;
  readonly broker: MessageBroker;
  readonly lock: ElectionLock;
  readonly nodeId: string;
  readonly logger: CoordinatorLogger;
  /** How often the leader checks leases and re-sends StartRebuild for runs no worker took; default 1000 ms. */
  readonly tickMs?: number;
  /** Shares the active runs, with their version, with every node (the write-guards) after each change. */
  readonly board?: Pick<RebuildBoardPort, 'publish'>;
  /**
   * The workers that may build a partitioned run's partitions (the live ones); without it, or
   * when it fails or finds none, every partition goes to the run's owner.
   */
  readonly workers?: () => Promise<readonly string[]>;
}

/**
 * The coordinator: replicas elect a leader through a PostgreSQL lock; the leader consumes the
 * command queue and the workers' events and applies them to the durable runs, checks the
 * workers' leases, and (after a takeover too) keeps asking for runs no worker has picked up.
 *
 * It writes every transition of a run after Requested. The gateway records Requested itself (the
 * one active run per projection is checked there, so a conflict is a 409 at once) and may only
 * withdraw a run not yet dispatched; the state machine refuses it afterwards.
 */
export class RebuildCoordinator {
  private readonly election: LeaderElection;

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
    // A start that fails halfway is undone by stepDown, which pauses every queue it resumed.
    await this.options.inbox.resume();
    // The consumers make this node the leader; supervision that fails now runs again on the next check.
    await this.superviseRuns().catch((error: Error) => this.options.logger.warn(`coordinator could not supervise the runs: ${error.message}`, 'RebuildCoordinator'));
  }

  private async stepDown(reason: string): Promise<void> {
    this.options.logger.warn({ msg: 'coordinator stepping down', reason }, 'RebuildCoordinator');
    await this.options.inbox.pause();
  }

  /** RequestRebuild and CancelRebuild, from the gateways. */
  async handleCommand(message: MessageEnvelope): Promise<void> {
    if (isRebuildMessage(message, 'RequestRebuild')) {
      // A redelivered request finds the run dispatched already: it is asked for again, harmlessly.
      await this.apply(message.payload.runId, { kind: 'Dispatch' });
      const run = await this.options.store.get(message.payload.runId);
      if (run && run.mode !== message.payload.mode) {
        this.options.logger.warn(`RequestRebuild for ${run.id} says ${message.payload.mode}; the run was recorded as ${run.mode}, which wins`, 'RebuildCoordinator');
      }
      if (run && awaitsWorker(run)) await this.askWorkers(run);
    } else if (isRebuildMessage(message, 'CancelRebuild')) {
      await this.apply(message.payload.runId, { kind: 'Cancel' });
      await this.options.broker.sendControl('all', rebuildMessage('AbortRebuild', { runId: message.payload.runId }, this.options.nodeId));
    }
  }

  /** RebuildStarted, RebuildProgress, RebuildCompleted and RebuildFailed, from the workers. */
  async handleWorkerEvent(message: MessageEnvelope): Promise<void> {
    if (isRebuildMessage(message, 'RebuildStarted')) {
      await this.apply(message.payload.runId, { kind: 'WorkerStarted', worker: message.payload.worker });
    } else if (isRebuildMessage(message, 'RebuildProgress')) {
      const { runId, worker, processed, total, eventsPerSecond, etaMs, phase, distanceToHead } = message.payload;
      await this.apply(runId, { kind: 'Progress', worker, phase, progress: { processed, total, eventsPerSecond, etaMs, distanceToHead: distanceToHead ?? null } });
    } else if (isRebuildMessage(message, 'RebuildCompleted')) {
      const { runId, worker, processed, total, eventsPerSecond, switchPauseMs } = message.payload;
      const run = await this.apply(runId, { kind: 'WorkerCompleted', worker, progress: { processed, total, eventsPerSecond, etaMs: 0, switchPauseMs: switchPauseMs ?? null } });
      // Online, the completion is the end: the worker's live agent already reads the new table.
      if (run?.mode !== 'online') await this.apply(runId, { kind: 'Restarted', worker });
    } else if (isRebuildMessage(message, 'RebuildFailed')) {
      const { runId, worker, reason, eventPosition } = message.payload;
      await this.apply(runId, { kind: 'WorkerFailed', worker, failure: { reason, eventPosition } });
    } else if (isRebuildMessage(message, 'RebuildPartitionStarted')) {
      const { runId, worker, partition } = message.payload;
      await this.apply(runId, { kind: 'PartitionStarted', worker, partition });
    } else if (isRebuildMessage(message, 'RebuildPartitionProgress')) {
      const { runId, worker, partition, processed, total, eventsPerSecond, etaMs, done } = message.payload;
      await this.apply(runId, { kind: 'PartitionProgress', worker, partition, done, progress: { processed, total, eventsPerSecond, etaMs } });
    } else if (isRebuildMessage(message, 'RebuildPartitionFailed')) {
      const { runId, worker, partition, reason, eventPosition } = message.payload;
      const run = await this.apply(runId, { kind: 'PartitionFailed', worker, partition, failure: { reason, eventPosition } });
      // The run failed with its partition: its owner and the other partitions stop.
      if (run?.phase === 'Failed') await this.options.broker.sendControl('all', rebuildMessage('AbortRebuild', { runId }, this.options.nodeId));
    }
  }

  /** Publishing failures are logged: the gateways then fall back to PostgreSQL, never open on a guess. */
  private async share(): Promise<void> {
    try {
      await this.options.board?.publish(await this.options.store.snapshot());
    } catch (error) {
      this.options.logger.warn(`could not share the rebuild state: ${(error as Error).message}`, 'RebuildCoordinator');
    }
  }

  /**
   * Leases first (a silent worker fails its run), then runs still waiting for a worker. A run
   * left Requested (its gateway stopped before sending RequestRebuild) is dispatched once overdue.
   */
  private async superviseRuns(): Promise<void> {
    await this.share();
    for (const run of await this.options.store.active()) {
      if (run.phase === 'Requested') {
        const dispatched = await this.apply(run.id, { kind: 'Dispatch', overdueOnly: true });
        if (dispatched && awaitsWorker(dispatched)) await this.askWorkers(dispatched);
      } else if (awaitsWorker(run)) await this.askWorkers(run);
      else {
        const checked = await this.apply(run.id, { kind: 'CheckLease' });
        if (checked && partitionsAwaitingWorker(checked).length > 0) await this.assignPartitions(checked);
      }
    }
  }

  /** Hands the partitions waiting for a worker out and tells each worker its partition. */
  private async assignPartitions(run: RebuildRun): Promise<void> {
    const workers = await this.liveWorkers(run);
    const result = await this.applyWith(run.id, { kind: 'AssignPartitions', workers });
    for (const t of result?.transitions ?? []) {
      if (t.kind !== 'PartitionAssigned') continue;
      const payload = { runId: run.id, projection: run.projection, partition: t.partition, partitions: run.partitions?.length ?? 0, worker: t.worker };
      await this.options.broker.sendControl('all', rebuildMessage('StartRebuildPartition', payload, this.options.nodeId));
    }
  }

  private async liveWorkers(run: RebuildRun): Promise<readonly string[]> {
    const owner = run.worker === null ? [] : [run.worker];
    try {
      const workers = (await this.options.workers?.()) ?? [];
      return workers.length > 0 ? workers : owner;
    } catch (error) {
      this.options.logger.warn(`could not list the workers, the owner builds every partition: ${(error as Error).message}`, 'RebuildCoordinator');
      return owner;
    }
  }

  private async askWorkers(run: Pick<RebuildRun, 'id' | 'projection' | 'mode' | 'partitions'>): Promise<void> {
    const partitions = run.partitions?.length;
    await this.options.broker.sendControl('all', rebuildMessage('StartRebuild', { runId: run.id, projection: run.projection, mode: run.mode, ...(partitions && { partitions }) }, this.options.nodeId));
  }

  /** A late or duplicate report (e.g. progress after a cancel) is logged, not retried: undefined then. */
  private async apply(runId: string, command: Exclude<RebuildCommand, { kind: 'Request' }>): Promise<RebuildRun | undefined> {
    return (await this.applyWith(runId, command))?.run;
  }

  private async applyWith(runId: string, command: Exclude<RebuildCommand, { kind: 'Request' }>): Promise<{ run: RebuildRun; transitions: RebuildTransition[] } | undefined> {
    try {
      const { transitions, run } = await this.options.store.apply(runId, command);
      for (const t of transitions) {
        if (t.kind !== 'Entered') continue;
        this.options.logger.log({ msg: 'rebuild phase', runId, projection: run.projection, phase: t.phase }, 'RebuildCoordinator');
        if (ENDED.has(t.phase)) opsCounters.rebuildRuns.inc({ mode: run.mode, outcome: t.phase.toLowerCase() });
      }
      if (transitions.length > 0) await this.share();
      return { run, transitions };
    } catch (error) {
      if (error instanceof RebuildRejected || error instanceof RangeError) {
        this.options.logger.warn(`ignored ${command.kind} for ${runId}: ${error.message}`, 'RebuildCoordinator');
        return undefined;
      }
      throw error;
    }
  }
}
