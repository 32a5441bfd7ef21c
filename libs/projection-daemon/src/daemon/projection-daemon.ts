import { agentKey } from '@projectionist/cluster-nodes';
import { FeedCursor, hasReached, WakeSignal } from '@projectionist/event-store';
import { opsCounters } from '@projectionist/observability';
import { checkProjectionSet, Projection } from '@projectionist/projections';
import type { BatchStorage } from '../storage/batch-storage';
import { CheckpointStore, ProjectionState } from '../storage/checkpoint-store';
import { DeadLetterTable } from '../storage/dead-letters';
import { LeaseFence } from '../storage/lease-fence';
import type { RebuildResult } from '../rebuild/rebuild-runner';
import { checkPartitionable } from '../rebuild/partition-build';
import { AgentControl, buildPartition, PartitionBuildRequest, startRebuild } from './rebuild-control';
import { bindAndStart, LiveAgentHost } from './live-agent-lifecycle';
import { DaemonTuning, DEFAULT_DAEMON_TUNING, ProjectionDaemonOptions } from './daemon-options';
import { FeedHealth } from './feed-health';
import { ProjectionProgress } from './projection-progress';
import { ProgressRefresh } from './progress-refresh';
import { newRun, progressOf, Running } from './projection-run';
import { rollBackOnThisNode } from './version-rollback';
import { readVersionState } from '../storage/live-version';
import { waitUntilReached } from './wait-until-reached';

/**
 * Runs an agent per async projection on this node, given the lease epochs it holds; tracks
 * progress, answers waitForNonStale, and rebuilds a projection on request. Which node runs
 * which projection is decided outside: a ProjectionDistributor picks them and the node elected
 * (HotColdDaemon) claims their leases before it starts a term.
 *
 * A term runs from start() to stop(). Within a term each projection has at most one agent, the
 * live one or a rebuild's, and each binds its own token on the lease before it writes; stop()
 * aborts the term's rebuilds and waits for them, and nothing of an ended term starts an agent.
 */
export class ProjectionDaemon {
  readonly tuning: DaemonTuning;
  readonly storage: BatchStorage;
  private readonly running = new Map<string, Running>();
  private readonly wakes = new Set<WakeSignal>();
  /** Partitions of other nodes' rebuilds this node builds (rebuildPartition), aborted with the term. */
  private readonly partitionBuilds = new Set<AbortController>();
  private readonly committed = new WakeSignal();
  /** The head of the feed and what holds it back, as of the last progress refresh. */
  readonly feed: FeedHealth;
  private readonly progressRefresh: ProgressRefresh;
  /** The current term; 0 while stopped. */
  private term = 0;
  private terms = 0;
  /** Called when an agent finds its lease taken over: the node must stop applying everything. */
  onLeaseLost: ((projection: string) => void) | undefined;

  constructor(private readonly options: ProjectionDaemonOptions) {
    checkProjectionSet(options.projections);
    this.tuning = { ...DEFAULT_DAEMON_TUNING, ...options.tuning };
    this.storage = {
      pool: options.pool,
      checkpoints: new CheckpointStore(options.pool, options.namespace),
      fence: new LeaseFence(options.pool, options.namespace, leaseSubjects(options)),
      deadLetters: new DeadLetterTable(options.namespace),
    };
    this.feed = new FeedHealth({ ...options, warnAfterMs: this.tuning.heldBackWarnMs });
    this.progressRefresh = new ProgressRefresh({
      ...{ storage: this.storage, namespace: options.namespace, nodeId: options.nodeId, logger: options.logger, feed: this.feed },
      ...{ intervalMs: this.tuning.progressIntervalMs, keepPreviousMs: this.tuning.keepPreviousMs },
      // Only what this node runs: with agents spread over nodes, each owner reports its own.
      reported: () => this.progress().filter((p) => this.owns(p.name)),
      live: () => [...this.running.values()].flatMap((r) => (r.agent ? [{ projection: r.projection, hold: r.agent.hold }] : [])),
    });
    for (const projection of this.asyncProjections) {
      this.running.set(projection.name, newRun(projection));
    }
  }

  /** The lease row `name`'s agents are fenced by: its name, or its agent key with leases per version. */
  leaseSubject(name: string): string {
    return this.storage.fence.subjectOf(name);
  }

  get asyncProjections(): Projection[] {
    return this.options.projections.filter((p) => p.mode === 'async');
  }

  /** Starts a term: every async projection this node was granted an epoch for; the others stay stopped. */
  async start(epochs: ReadonlyMap<string, number>): Promise<void> {
    if (this.term !== 0) throw new Error('The projection daemon is already running; stop it before starting it again');
    const term = (this.term = ++this.terms);
    // Side by side: a node taking over starts every projection at once (their DDL still queues on one lock).
    const runs = [...this.running.values()];
    for (const run of runs) run.epoch = epochs.get(run.projection.name) ?? 0;
    await Promise.all(runs.map((run) => this.startAgent(run, term)));
    this.progressRefresh.start();
  }

  /** Ends the term: aborts its rebuilds and waits for them, then stops every agent. */
  async stop(): Promise<void> {
    this.term = 0;
    this.progressRefresh.stop();
    const runs = [...this.running.values()];
    for (const run of runs) {
      clearTimeout(run.retry);
      run.rebuilding?.abort.abort();
    }
    for (const build of this.partitionBuilds) build.abort();
    await Promise.all(runs.map((run) => run.rebuilding?.done));
    await Promise.all(runs.map((run) => run.starting));
    await Promise.all(runs.map((run) => this.stopAgent(run, 'stopped')));
    this.feed.clear();
  }

  /**
   * Distributed: runs `name` in the current term under the epoch this node just claimed (the term
   * was started with no epochs, and agents come and go one at a time).
   */
  async runProjection(name: string, epoch: number): Promise<void> {
    const run = this.known(name);
    if (this.term === 0) throw new Error('The projection daemon is stopped; start a term before running a projection');
    if (run.epoch === epoch) return this.startAgent(run, this.term);
    if (run.epoch !== 0) await this.stopProjection(name);
    run.epoch = epoch;
    run.startFailures = 0;
    await this.startAgent(run, this.term);
  }

  /**
   * Distributed: stops `name`'s agent, its rebuild aborted, and gives up its epoch, so that the
   * lease may be released once this resolves (the agent's last batch is committed by then).
   * Returns the epoch it held; 0 when it held none.
   */
  async stopProjection(name: string): Promise<number> {
    const run = this.known(name);
    const epoch = run.epoch;
    run.epoch = 0; // first: nothing of this term (a retry, a rebuild's end) starts it again
    clearTimeout(run.retry);
    run.rebuilding?.abort.abort();
    await run.rebuilding?.done.catch(() => undefined);
    await run.starting;
    clearTimeout(run.retry);
    await this.stopAgent(run, 'stopped');
    return epoch;
  }

  /** Wake every agent now (a NOTIFY arrived). */
  notifyAppended(): void {
    for (const wake of this.wakes) wake.notify();
  }

  progress(): ProjectionProgress[] {
    const now = Date.now();
    return [...this.running.values()].map((run) => progressOf(run, this.feed, now));
  }

  /**
   * Whether this node holds `name`'s lease in the current term (an epoch granted and not lost
   * since), so that it may run and rebuild it; false while stopped.
   */
  owns(name: string): boolean {
    return this.term !== 0 && (this.running.get(name)?.epoch ?? 0) !== 0;
  }

  /**
   * Resolves when every async projection has applied the event at `position` (default:
   * everything committed when called); rejects after `timeoutMs`. A projection that is not
   * running (stopped, in error, rebuilding) has applied nothing new: it counts as stale.
   */
  async waitForNonStale({ position, timeoutMs = 5_000 }: { position?: number; timeoutMs?: number } = {}): Promise<void> {
    const behind = (target: FeedCursor) => [...this.running.values()].filter((r) => !r.agent || !hasReached(r.agent.agent.cursor, target));
    await waitUntilReached(this.options.store, {
      position,
      timeoutMs,
      behind: (target) => behind(target).map((r) => (r.agent ? r.projection.name : `${r.projection.name} (${r.state})`)),
      pause: (ms) => this.committed.wait(Math.min(100, ms)),
      timedOut: (names) => new Error(`Projections still stale after ${timeoutMs} ms: ${names.join(', ')}`),
    });
  }

  /**
   * Rebuilds one projection, `blocking` or `online` (see runRebuild); one at a time per projection.
   * `runId`: the coordinator's run, which an online rebuild resumes from its checkpoint when it was started before.
   */
  async rebuild(name: string, options: { signal?: AbortSignal; mode?: 'blocking' | 'online'; runId?: string; partitions?: number } = {}): Promise<RebuildResult> {
    const partitions = options.partitions ?? 1;
    if (partitions > 1) checkPartitionable(this.known(name).projection, options.mode ?? 'blocking', options.runId, partitions);
    const run = this.ownedRun(name);
    run.rebuilding = startRebuild(this.control, run, this.term, { ...options, partitions });
    return run.rebuilding.done;
  }

  /**
   * Rolls `name` back: to the table the live version's last online rebuild retired (see rollBack),
   * else between versions (see planRollback). Throws when this node does not do it.
   */
  async rollback(name: string): Promise<{ pauseMs: number; version: number }> {
    const done = await this.rollbackIfMine(name);
    if (!done) throw new Error(`This node does not roll back projection "${name}": another version's holder does`);
    return done;
  }

  /**
   * A rollback request, answered by one node: the holder of the version readers go to (or of the
   * live one, for a rebuild's table or a refusal); undefined on every other node.
   */
  async rollbackIfMine(name: string): Promise<{ pauseMs: number; version: number } | undefined> {
    const run = this.known(name);
    return this.owns(name) ? rollBackOnThisNode(this.control, run, this.term) : undefined;
  }

  /**
   * Whether this node runs the version of `name` readers read: the one whose lease holder runs its
   * rebuilds (versions side by side each hold their own lease; only the live one is rebuilt).
   */
  async runsReadersOf(name: string): Promise<boolean> {
    if (!this.owns(name)) return false;
    const { reading } = await readVersionState(this.storage.pool, this.options.namespace, name);
    return reading === undefined || reading === this.known(name).projection.version;
  }

  /**
   * Builds partition `partition` of the partitioned online rebuild `runId` (see PartitionBuild).
   * Any node with the projection's code may, lease or not: the partition is fenced by its own
   * token. Aborted with the term (stop), like the node's rebuilds.
   */
  rebuildPartition(name: string, options: PartitionBuildRequest): Promise<RebuildResult> {
    return buildPartition(this.control, this.known(name), options, this.partitionBuilds);
  }

  private known(name: string): Running {
    const run = this.running.get(name);
    if (!run) throw new RangeError(`No async projection named "${name}" on this node`);
    return run;
  }

  private ownedRun(name: string): Running {
    const run = this.known(name);
    if (!this.owns(name)) throw new Error(`This node does not run projection "${name}" now`);
    if (run.rebuilding) throw new Error(`Projection "${name}" is already being rebuilt on this node`);
    return run;
  }

  /** What rebuilds, rollbacks and a live agent's start and end may do with this daemon's agents. */
  private get control(): AgentControl & LiveAgentHost {
    const { namespace, store, logger } = this.options;
    return {
      ...{ storage: this.storage, tuning: this.tuning, namespace, store, logger },
      stopAgent: (run, state) => this.stopAgent(run, state),
      startAgent: (run, term) => this.startAgent(run, term),
      newWake: () => this.newWake(),
      dropWake: (wake) => void this.wakes.delete(wake),
      inTerm: (term) => term === this.term,
      leaseLost: (run, reason) => this.leaseLost(run, reason),
      onCommitted: (run, summary) => {
        this.committed.notify();
        this.options.onCommitted?.(run.projection.name, summary.positions);
      },
    };
  }

  /** Starts the live agent of `run` for `term`, once, bound to a fresh token on the lease (see prepareLiveSlot). */
  private startAgent(run: Running, term: number): Promise<void> {
    if (term !== this.term || run.agent || run.starting || run.rebuilding) return run.starting ?? Promise.resolve();
    const starting = bindAndStart(this.control, run, term).finally(() => {
      run.starting = undefined;
    });
    run.starting = starting;
    return starting;
  }

  private newWake(): WakeSignal {
    const wake = new WakeSignal();
    this.wakes.add(wake);
    return wake;
  }

  private leaseLost(run: Running, reason: string): void {
    run.epoch = 0; // another holder's now: this node neither owns nor restarts it this term
    run.state = 'stopped';
    run.error = null;
    this.options.logger.warn({ msg: 'projection lease lost', projection: run.projection.name, reason }, 'ProjectionDaemon');
    opsCounters.leaseLosses.inc({ kind: 'projection-lease' });
    this.onLeaseLost?.(run.projection.name);
  }

  private async stopAgent(run: Running, state: ProjectionState): Promise<void> {
    const entry = run.agent;
    run.agent = undefined;
    if (entry) await entry.agent.stop();
    if (run.state !== 'error' || state === 'rebuilding') run.state = state;
  }
}

function leaseSubjects(options: ProjectionDaemonOptions): Map<string, string> {
  if (options.leases !== 'version') return new Map();
  return new Map(options.projections.filter((p) => p.mode === 'async').map((p) => [p.name, agentKey(p.name, p.version)]));
}
