import { EventStore, FeedCursor, hasReached, WakeSignal } from '@projectionist/event-store';
import { Projection } from '@projectionist/projections';
import { Pool } from 'pg';
import { RateMeter } from '../agent/agent-progress';
import { BatchStorage } from '../agent/batch-committer';
import { AgentLogger, AgentOutcome, CommitSummary, ProjectionAgent } from '../agent/projection-agent';
import { CheckpointStore, ProjectionErrorInfo, ProjectionState } from '../storage/checkpoint-store';
import { DeadLetterTable } from '../storage/dead-letters';
import { LeaseFence } from '../storage/lease-fence';
import { ensureProjectionTable } from '../storage/projection-tables';
import { projectionTarget } from '../storage/projection-target';
import { RebuildRunner, RebuildResult } from '../rebuild/rebuild-runner';
import { DaemonTuning, DEFAULT_DAEMON_TUNING } from './daemon-options';
import { FeedHealth } from './feed-health';
import { projectionLag } from './feed-lag';
import { ProjectionProgress, RebuildProgress } from './projection-progress';
import { ProgressWriter } from './progress-writer';

export interface ProjectionDaemonOptions {
  readonly pool: Pool;
  readonly store: EventStore;
  readonly namespace: string;
  readonly nodeId: string;
  readonly projections: readonly Projection[];
  readonly logger: AgentLogger;
  readonly tuning?: Partial<DaemonTuning>;
  /** Observes every committed batch of the live agents (benchmarks, tests, metrics). */
  readonly onCommitted?: (projection: string, positions: readonly number[]) => void;
}

interface Running {
  readonly projection: Projection;
  agent: ProjectionAgent | undefined;
  epoch: number;
  state: ProjectionState;
  error: ProjectionErrorInfo | null;
  lastPosition: number;
  lastEventAt: number | undefined;
  readonly rate: RateMeter;
  rebuild: RebuildProgress | null;
}

/**
 * Runs an agent per async projection on this node, given the lease epochs it holds; tracks
 * progress, answers waitForNonStale, and rebuilds a projection on request. Which node runs
 * which projection is decided outside (HotColdDaemon today).
 */
export class ProjectionDaemon {
  readonly tuning: DaemonTuning;
  readonly storage: BatchStorage;
  private readonly running = new Map<string, Running>();
  private readonly wakes = new Set<WakeSignal>();
  private readonly committed = new WakeSignal();
  /** The head of the feed and what holds it back, as of the last progress refresh. */
  readonly feed: FeedHealth;
  private progressTimer: NodeJS.Timeout | undefined;
  private readonly progressWriter: ProgressWriter;
  /** Called when an agent finds its lease taken over: the node must stop applying everything. */
  onLeaseLost: (() => void) | undefined;

  constructor(private readonly options: ProjectionDaemonOptions) {
    this.tuning = { ...DEFAULT_DAEMON_TUNING, ...options.tuning };
    this.storage = {
      pool: options.pool,
      checkpoints: new CheckpointStore(options.pool, options.namespace),
      fence: new LeaseFence(options.pool, options.namespace),
      deadLetters: new DeadLetterTable(options.namespace),
    };
    this.progressWriter = new ProgressWriter(options.pool, options.namespace, options.nodeId);
    this.feed = new FeedHealth({ ...options, warnAfterMs: this.tuning.heldBackWarnMs });
    for (const projection of this.asyncProjections) {
      this.running.set(projection.name, {
        projection,
        agent: undefined,
        epoch: 0,
        state: 'stopped',
        error: null,
        lastPosition: 0,
        lastEventAt: undefined,
        rate: new RateMeter(),
        rebuild: null,
      });
    }
  }

  get asyncProjections(): Projection[] {
    return this.options.projections.filter((p) => p.mode === 'async');
  }

  /** Starts every async projection with the epoch this node was granted for it. */
  async start(epochs: ReadonlyMap<string, number>): Promise<void> {
    for (const run of this.running.values()) {
      run.epoch = epochs.get(run.projection.name) ?? 0;
      await this.startAgent(run);
    }
    this.progressTimer = setInterval(() => void this.refreshProgress(), this.tuning.progressIntervalMs);
    await this.refreshProgress();
  }

  async stop(): Promise<void> {
    clearInterval(this.progressTimer);
    await Promise.all([...this.running.values()].map((run) => this.stopAgent(run, 'stopped')));
    this.feed.clear();
  }

  /** Wake every agent now (a NOTIFY arrived). */
  notifyAppended(): void {
    for (const wake of this.wakes) wake.notify();
  }

  progress(): ProjectionProgress[] {
    return [...this.running.values()].map((run) => {
      const agent = run.agent;
      const lag = projectionLag({ cursor: agent?.cursor, caughtUp: agent?.caughtUp ?? false, lastPosition: run.lastPosition, lastEventAt: run.lastEventAt }, this.feed, Date.now());
      return {
        name: run.projection.name,
        version: run.projection.version,
        mode: run.projection.mode,
        state: run.state,
        position: run.lastPosition,
        head: this.feed.head?.lastPosition ?? 0,
        lagEvents: lag.lagEvents,
        lagMs: lag.lagMs,
        eventsPerSecond: run.rate.perSecond(),
        staged: run.agent?.staged ?? 0,
        error: run.error,
        rebuild: run.rebuild,
        heldBack: lag.heldBack,
      };
    });
  }

  /**
   * Resolves when every running async projection has applied the event at `position` (default:
   * everything committed when called); rejects after `timeoutMs`.
   */
  async waitForNonStale({ position, timeoutMs = 5_000 }: { position?: number; timeoutMs?: number } = {}): Promise<void> {
    const target: FeedCursor | undefined =
      position === undefined ? (await this.options.store.readHead()).lastCursor : await this.options.store.cursorOf(position);
    if (!target) throw new RangeError(`No event at position ${position}`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const behind = [...this.running.values()].filter((r) => r.agent && !hasReached(r.agent.cursor, target));
      if (behind.length === 0) return;
      if (Date.now() >= deadline) {
        throw new Error(`Projections still stale after ${timeoutMs} ms: ${behind.map((r) => r.projection.name).join(', ')}`);
      }
      await this.committed.wait(Math.min(100, deadline - Date.now()));
    }
  }

  /** Rebuilds one projection beside the live table and swaps it in; see RebuildRunner. */
  async rebuild(name: string, options: { signal?: AbortSignal } = {}): Promise<RebuildResult> {
    const run = this.running.get(name);
    if (!run) throw new RangeError(`No async projection named "${name}" on this node`);
    await this.stopAgent(run, 'rebuilding');
    const runner = new RebuildRunner({
      daemon: this,
      namespace: this.options.namespace,
      store: this.options.store,
      projection: run.projection,
      epoch: run.epoch,
      logger: this.options.logger,
      wake: this.newWake(),
      onProgress: (progress) => {
        run.rebuild = progress;
      },
    });
    const result = await runner.run(options.signal);
    await this.startAgent(run);
    return result;
  }

  private async startAgent(run: Running): Promise<void> {
    const target = projectionTarget(this.options.namespace, run.projection, 'live');
    const client = await this.options.pool.connect();
    try {
      await ensureProjectionTable(client, target);
    } finally {
      client.release();
    }
    const key = { projection: run.projection.name, version: run.projection.version, slot: 'live' as const };
    const checkpoint = await this.storage.checkpoints.load(key);
    run.lastPosition = checkpoint.lastPosition;
    if (checkpoint.state === 'error') {
      // Stays stopped, with its error visible, until an operator rebuilds or resumes it.
      run.state = 'error';
      run.error = checkpoint.error;
      return;
    }
    await this.storage.checkpoints.setState(key, 'running');
    run.state = 'running';
    run.error = null;
    const wake = this.newWake();
    const agent = new ProjectionAgent({
      target,
      store: this.options.store,
      storage: this.storage,
      epoch: run.epoch,
      from: checkpoint.cursor,
      wake,
      logger: this.options.logger,
      pageSize: this.tuning.pageSize,
      commitEvery: this.tuning.liveCommitEvery,
      backpressure: this.tuning.backpressure,
      pollIntervalMs: this.tuning.pollIntervalMs,
      readGapMs: this.tuning.liveReadGapMs,
      onCommitted: (summary) => {
        this.recordCommit(run, summary);
        this.committed.notify();
        this.options.onCommitted?.(run.projection.name, summary.positions);
      },
    });
    run.agent = agent;
    void agent.done.then((outcome) => this.onAgentEnded(run, agent, wake, outcome));
  }

  private recordCommit(run: Running, summary: CommitSummary): void {
    for (const position of summary.positions) if (position > run.lastPosition) run.lastPosition = position;
    if (summary.lastCreatedAt) run.lastEventAt = summary.lastCreatedAt.getTime();
    run.rate.record(summary.count);
  }

  newWake(): WakeSignal {
    const wake = new WakeSignal();
    this.wakes.add(wake);
    return wake;
  }

  dropWake(wake: WakeSignal): void {
    this.wakes.delete(wake);
  }

  private async onAgentEnded(run: Running, agent: ProjectionAgent, wake: WakeSignal, outcome: AgentOutcome): Promise<void> {
    this.wakes.delete(wake);
    if (run.agent === agent) run.agent = undefined;
    const key = { projection: run.projection.name, version: run.projection.version, slot: 'live' as const };
    if (outcome.kind === 'error') {
      run.state = 'error';
      run.error = outcome.error;
      this.options.logger.error({ msg: 'projection stopped on error', projection: run.projection.name, ...outcome.error }, 'ProjectionDaemon');
      // Not fatal: a restart finds no error recorded, applies the event again and fails on it again.
      await this.storage.checkpoints
        .setState(key, 'error', outcome.error)
        .catch((error: Error) => this.options.logger.error({ msg: 'could not record the error state', projection: run.projection.name, error: error.message }, 'ProjectionDaemon'));
    } else if (outcome.kind === 'lease-lost') {
      run.state = 'stopped';
      this.onLeaseLost?.();
    }
  }

  private async stopAgent(run: Running, state: ProjectionState): Promise<void> {
    const agent = run.agent;
    run.agent = undefined;
    if (agent) await agent.stop();
    if (run.state !== 'error' || state === 'rebuilding') run.state = state;
  }

  private async refreshProgress(): Promise<void> {
    try {
      await this.feed.refresh();
      await this.progressWriter.write(this.progress());
    } catch (error) {
      this.options.logger.warn(`progress refresh failed: ${(error as Error).message}`, 'ProjectionDaemon');
    }
  }
}
