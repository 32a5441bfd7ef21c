import type { MessageBroker } from '@projectionist/messaging';
import { isRebuildMessage, MessageEnvelope, rebuildMessage } from '@projectionist/messaging-contracts';
import { NoPreviousTableError, ProjectionDaemon, VersionNotRunningError } from '@projectionist/projection-daemon';
import type { RebuildMode, RebuildWorkerPhase } from '@projectionist/rebuild-state';
import { PartitionExecutor } from './partition-executor';

/** What the daemon's rebuild does: blocking (stop, replay, swap) or online (build beside, catch up, switch). */
const RUNNABLE_MODES: readonly RebuildMode[] = ['blocking', 'online'];
const REPORTED_PHASES: readonly string[] = ['replaying', 'swapping', 'building', 'catching-up', 'switching'] satisfies RebuildWorkerPhase[];

export interface RebuildExecutorOptions {
  readonly broker: MessageBroker;
  readonly daemon: ProjectionDaemon;
  readonly nodeId: string;
  /** Progress reports double as the lease heartbeat; default every 1000 ms. */
  readonly heartbeatMs?: number;
}

/**
 * The worker's side of a distributed rebuild: the worker holding the projection's lease takes
 * StartRebuild, rebuilds on its daemon, reports progress as its lease heartbeat, and reports the
 * outcome; AbortRebuild cancels it. Other workers ignore both. The coordinator asks again for an
 * online run whose worker went silent: the lease holder then resumes it from its checkpoint.
 */
export class RebuildExecutor {
  private readonly running = new Map<string, AbortController>();
  /** Partitions of partitioned runs this worker builds, whoever owns the run. */
  private readonly partitions: PartitionExecutor;

  constructor(private readonly options: RebuildExecutorOptions) {
    this.partitions = new PartitionExecutor(options);
  }

  /** Aborts the rebuilds in progress (the app is stopping; its transport stops delivering). */
  async stop(): Promise<void> {
    for (const abort of this.running.values()) abort.abort();
    this.partitions.stop();
  }

  /** StartRebuild and AbortRebuild, from this node's control queue (see ExecutorMessages). */
  async handleControl(message: MessageEnvelope): Promise<void> {
    if (isRebuildMessage(message, 'AbortRebuild')) {
      this.running.get(message.payload.runId)?.abort();
      this.partitions.abort(message.payload.runId);
      return;
    }
    if (isRebuildMessage(message, 'StartRebuildPartition')) return this.partitions.handle(message);
    if (!isRebuildMessage(message, 'StartRebuild')) return;
    const { runId, projection } = message.payload;
    if (!(await this.answersFor(projection)) || this.running.has(runId)) return;
    // Refused, not guessed: rebuilding in another mode than asked could hold or lose writes.
    const mode: unknown = message.payload.mode;
    if (!RUNNABLE_MODES.includes(mode as RebuildMode)) {
      await this.refuse(runId, `this worker cannot rebuild in mode ${JSON.stringify(mode ?? null)}; it runs ${RUNNABLE_MODES.join(', ')}`);
      return;
    }
    // Not awaited: the control consumer must stay free for AbortRebuild while the rebuild runs.
    void this.execute(runId, projection, mode as RebuildMode, message.payload.partitions);
  }

  /**
   * RollbackProjection: one worker answers (see ProjectionDaemon.rollbackIfMine): the live
   * version's holder switches back to the table its last online rebuild replaced, or the holder of
   * the version readers go back to (or forward again to) moves them; the others ignore it.
   */
  async handleRollback(message: MessageEnvelope): Promise<void> {
    if (!isRebuildMessage(message, 'RollbackProjection')) return;
    const { requestId, projection } = message.payload;
    const { broker, daemon, nodeId } = this.options;
    if (!daemon.owns(projection)) return;
    let reply;
    try {
      const done = await daemon.rollbackIfMine(projection);
      if (!done) return;
      reply = rebuildMessage('RollbackCompleted', { requestId, projection, worker: nodeId, pauseMs: done.pauseMs, version: done.version }, nodeId);
    } catch (error) {
      const code =
        error instanceof NoPreviousTableError ? 'NO_PREVIOUS_TABLE'
        : error instanceof VersionNotRunningError ? 'VERSION_NOT_RUNNING'
        : /being rebuilt/.test((error as Error).message) ? 'REBUILD_RUNNING'
        : 'FAILED';
      reply = rebuildMessage('RollbackFailed', { requestId, projection, worker: nodeId, code, reason: (error as Error).message }, nodeId);
    }
    await broker.publishEvent(reply).catch(() => undefined);
  }

  /**
   * The holder of the version readers read rebuilds (a version built beside it is not). A
   * projection no worker has cannot have one: any worker running a term reports it unknown (the
   * coordinator ignores a second report of an ended run).
   */
  private async answersFor(projection: string): Promise<boolean> {
    const { daemon } = this.options;
    if (daemon.asyncProjections.some((p) => p.name === projection)) return daemon.runsReadersOf(projection).catch(() => false);
    return daemon.asyncProjections.some((p) => daemon.owns(p.name));
  }

  private async refuse(runId: string, reason: string): Promise<void> {
    const { broker, nodeId } = this.options;
    await broker.publishEvent(rebuildMessage('RebuildFailed', { runId, worker: nodeId, reason, eventPosition: null }, nodeId)).catch(() => undefined);
  }

  private async execute(runId: string, projection: string, mode: RebuildMode, partitions?: number): Promise<void> {
    const { broker, daemon, nodeId } = this.options;
    const abort = new AbortController();
    this.running.set(runId, abort);
    // A report lost while the broker is down is not retried: the coordinator then fails the run
    // when the lease runs out, so a run is never shown as successful without its report.
    const send = (m: Parameters<MessageBroker['publishEvent']>[0]) => broker.publishEvent(m).catch(() => undefined);
    const heartbeat = setInterval(() => {
      const progress = daemon.progress().find((p) => p.name === projection)?.rebuild;
      // Online, nothing counted yet (a resumed run still finding its checkpoint): a report of 0 would show the run
      // restarted. RebuildStarted renewed the lease, for longer than that takes; were it to run out, the next report takes the run back.
      if (!progress && mode === 'online') return;
      const phase = reportedPhase(progress?.phase, mode);
      const counts = { processed: progress?.processed ?? 0, total: progress?.total ?? 0, eventsPerSecond: progress?.eventsPerSecond ?? 0, etaMs: progress?.etaMs ?? null };
      void send(rebuildMessage('RebuildProgress', { runId, worker: nodeId, ...counts, phase, distanceToHead: progress?.distanceToHead ?? null }, nodeId));
    }, this.options.heartbeatMs ?? 1_000);
    try {
      if (!daemon.asyncProjections.some((p) => p.name === projection)) {
        await send(rebuildMessage('RebuildFailed', { runId, worker: nodeId, reason: `No async projection named ${projection}`, eventPosition: null }, nodeId));
        return;
      }
      // The projection's agent may have moved to another worker since this one answered (agents
      // were being spread). Checked and taken in the same tick (the daemon marks the projection as
      // rebuilding before it yields), and only then reported: a run this worker cannot take stays
      // waiting, and the coordinator asks again, when the new holder answers.
      if (!daemon.owns(projection)) return;
      // The run's id goes along: an online run this worker (or one that died) started before resumes from its checkpoint.
      const rebuilding = daemon.rebuild(projection, { signal: abort.signal, mode, runId, ...(partitions !== undefined && { partitions }) });
      // Its failure is met below, after the report; until then it must not count as unhandled.
      rebuilding.catch(() => undefined);
      await send(rebuildMessage('RebuildStarted', { runId, worker: nodeId }, nodeId));
      const result = await rebuilding;
      if (result.status === 'completed') {
        // The final count goes with the completion: the last heartbeat may be a whole batch behind.
        const counted = daemon.progress().find((p) => p.name === projection)?.rebuild?.total ?? 0;
        const { processed, durationMs, switchPauseMs } = result;
        const eventsPerSecond = durationMs > 0 ? (processed * 1000) / durationMs : 0;
        const completed = { runId, worker: nodeId, processed, total: Math.max(counted, processed), eventsPerSecond, ...(switchPauseMs !== undefined && { switchPauseMs }) };
        await send(rebuildMessage('RebuildCompleted', completed, nodeId));
      }
      if (result.status === 'failed') {
        await send(rebuildMessage('RebuildFailed', { runId, worker: nodeId, reason: result.error, eventPosition: result.eventPosition ?? null }, nodeId));
      }
      // Cancelled without AbortRebuild: the daemon stopped (lock lost, shutting down). Say so now
      // rather than leave the run to fail when its lease runs out.
      if (result.status === 'cancelled' && !abort.signal.aborted) {
        await send(rebuildMessage('RebuildFailed', { runId, worker: nodeId, reason: 'the worker stopped rebuilding: its daemon stopped', eventPosition: null }, nodeId));
      }
    } catch (error) {
      await send(rebuildMessage('RebuildFailed', { runId, worker: nodeId, reason: (error as Error).message, eventPosition: null }, nodeId));
    } finally {
      clearInterval(heartbeat);
      this.running.delete(runId);
    }
  }
}

/** Before the daemon reports, the run is in its first phase; done, failed and cancelled go in the outcome instead. */
function reportedPhase(phase: string | undefined, mode: RebuildMode): RebuildWorkerPhase | undefined {
  if (phase === undefined) return mode === 'online' ? 'building' : 'replaying';
  return REPORTED_PHASES.includes(phase) ? (phase as RebuildWorkerPhase) : undefined;
}
