import { FEED_START, FeedCursor, hasReached, WakeSignal } from '@projectionist/event-store';
import { AgentOutcome, ProjectionAgent, ProjectionAgentOptions } from '../agent/projection-agent';
import { RebuildProgress } from '../daemon/projection-progress';
import { inFencedTransaction } from '../storage/fenced-transaction';
import { swapInRebuiltTable } from '../storage/projection-tables';
import { dropPreviousTable } from './previous-table';
import { ProjectionTarget } from '../storage/projection-target';
import { RebuildResult, RebuildRunnerOptions } from './rebuild-runner';
import { onlineBuilderTuning, RebuildSlot } from './rebuild-slot';

export interface OnlineRebuildOptions extends RebuildRunnerOptions {
  /** Stops the live agent and resolves with the cursor it had committed: where the switch starts from. */
  readonly stopLive: () => Promise<FeedCursor>;
  /**
   * The run this is, when a coordinator runs it: its slot is marked with it, and a run started
   * again (its worker died) resumes from that slot's checkpoint instead of from the start.
   */
  readonly runId?: string;
  /**
   * More than 1 (a single-stream projection, with a runId): the build up to the head is split by
   * stream into this many partitions, which workers build side by side (PartitionBuild); this
   * rebuild waits for all of them and goes on from where they stopped.
   */
  readonly partitions?: number;
}

/** How often the distance to the head is read again while building. */
const HEAD_REFRESH_MS = 500;
/** Progress is reported at least this often while building, commits or not. */
const PROGRESS_EVERY_MS = 500;
/** How often a partitioned build looks whether its partitions are all built. */
const PARTITIONS_POLL_MS = 250;

/**
 * An online rebuild: the projection is built in a fresh table beside the live one by an agent of
 * its own (the lease's builder token), while the live agent goes on applying to the table readers
 * use; no write waits for it. Building: from the start of the feed up to the head when it began.
 * Catching up: on until it is caught up with the feed. Switching, the one step that pauses this
 * projection (and only this one): the live agent stops where it is, the builder applies what it
 * still lacks up to there, and one transaction swaps the tables and moves the checkpoint; the
 * daemon then starts the live agent on the new table. Readers see the old complete table until
 * that commit and the new complete one after. A failed or cancelled run leaves the live table as
 * it was and removes the new one.
 *
 * Resumable: every commit of the new table moves its checkpoint in the same transaction, and the
 * slot names its run. A worker that dies leaves both; the next lease holder, asked for the same
 * run, binds a builder token under its own epoch (the dead one's writes are fenced out from
 * then on) and goes on from that checkpoint, or reports the run complete if its swap committed.
 */
export class OnlineRebuild {
  private readonly slot: RebuildSlot;
  private headPosition = 0;
  private headReadAt = 0;
  private phase: RebuildProgress['phase'] = 'building';
  private readonly ready = new WakeSignal();
  private switchedAt: number | undefined;

  constructor(private readonly options: OnlineRebuildOptions) {
    this.slot = new RebuildSlot(options, options.storage.fence.newHold(options.projection.name, options.epoch, 'builder'));
  }

  /** Never throws: whatever goes wrong ends the run as failed or cancelled, the live table untouched. */
  async run(signal?: AbortSignal): Promise<RebuildResult & { switchedAt?: number }> {
    const result = await this.slot.settle(() => this.buildAndSwitch(signal), { mode: 'online' });
    return result.status === 'completed' ? { ...result, switchedAt: this.switchedAt } : result;
  }

  private async buildAndSwitch(signal?: AbortSignal): Promise<AgentOutcome | 'completed'> {
    const start = await this.start();
    if (start === 'switched') return 'completed';
    const { target } = start;
    let { from } = start;
    const read = await this.options.store.readHead();
    let head = read.lastCursor;
    [this.headPosition, this.headReadAt] = [read.lastPosition, Date.now()];
    this.slot.total = await this.options.store.countEvents(this.options.projection.eventTypes);
    if (start.partitioned) {
      const built = await this.awaitPartitions(signal);
      if ('kind' in built) return built;
      // Every partition reached the target: the table holds every event up to it, and the builder goes on from there.
      from = head = built;
      this.slot.processed = await this.options.store.countEvents(this.options.projection.eventTypes, built);
    }
    this.report('building');
    const builder = this.agent(target, from, {
      onCommitted: (summary) => this.committed(summary.count, summary.cursor, head, summary.caughtUp),
      onCaughtUp: () => this.ready.notify(),
    });
    let end: AgentOutcome | undefined;
    void builder.done.then((outcome) => {
      end = outcome;
      this.ready.notify();
    });
    let reportedAt = Date.now();
    while (!(builder.caughtUp && hasReached(builder.cursor, head))) {
      if (end) return end;
      if (signal?.aborted) return builder.stop();
      await this.ready.wait(100);
      // Between commits too (a rebuild commits every few hundred thousand events): the distance to the head moves on.
      if (Date.now() - reportedAt >= PROGRESS_EVERY_MS) {
        reportedAt = Date.now();
        this.report(this.phase, builder.cursor);
      }
    }
    // What an earlier online rebuild retired goes now, outside the pause.
    await dropPreviousTable(this.options.storage, this.slot.hold, this.options.namespace, this.options.projection);
    // Switching: this projection pauses here, and only until the swap has committed.
    this.switchedAt = Date.now();
    this.report('switching');
    const liveAt = await this.options.stopLive();
    const stopped = await builder.stop();
    if (stopped.kind !== 'stopped') return stopped;
    if (!hasReached(builder.cursor, liveAt)) {
      const last = await this.agent(target, builder.cursor, { stopAt: liveAt, onCommitted: (s) => this.committed(s.count, s.cursor, head, false) }).done;
      if (last.kind !== 'caught-up') return last;
    }
    // Test only (TEST_REBUILD_SWITCH_DELAY_MS): the switch lasts milliseconds, too short to kill a worker in otherwise.
    if (this.options.tuning.testSwitchDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.options.tuning.testSwitchDelayMs));
    await this.swap();
    return 'completed';
  }

  /**
   * A fresh slot from the start of the feed; or, for a run started before (its worker died), its
   * own slot from the checkpoint committed with it, counted as processed up to there.
   */
  private async start(): Promise<{ target: ProjectionTarget; from: FeedCursor; partitioned: boolean } | 'switched'> {
    const { runId, store, projection, logger, partitions = 1 } = this.options;
    if (partitions > 1 && runId === undefined) throw new Error('A partitioned rebuild needs its run id: its partitions are found by it');
    const found = runId === undefined ? undefined : await this.slot.resume(runId);
    if (!found && partitions > 1) {
      // The target and the partitions are created with the table: a resumed run finds them with it.
      const { lastCursor } = await store.readHead();
      const target = await this.slot.prepare(runId, (client) => this.slot.partitions.createIn(client, runId as string, partitions, lastCursor));
      logger.log({ msg: 'partitioned rebuild started', projection: projection.name, runId, partitions, upTo: lastCursor.position }, 'Rebuild');
      return { target, from: FEED_START, partitioned: true };
    }
    if (!found) return { target: await this.slot.prepare(runId), from: FEED_START, partitioned: false };
    const partitioned = found.kind === 'slot' && (await this.slot.partitions.ofRunIn(this.options.storage.pool, runId as string)).length > 0;
    if (!partitioned) this.slot.processed = await store.countEvents(projection.eventTypes, found.cursor);
    logger.log({ msg: 'online rebuild resumed', projection: projection.name, runId, from: found.cursor.position, processed: this.slot.processed, switched: found.kind === 'switched', partitioned }, 'Rebuild');
    return found.kind === 'switched' ? 'switched' : { target: found.target, from: found.cursor, partitioned };
  }

  /**
   * Waits until every partition has been built up to the target, then, in one fenced transaction
   * that locks them, moves the rebuild slot's checkpoint to the target and removes them. Returns
   * the target; or how it ended, when stopped.
   */
  private async awaitPartitions(signal?: AbortSignal): Promise<FeedCursor | AgentOutcome> {
    const { storage } = this.options;
    const runId = this.options.runId as string;
    const partitions = this.slot.partitions;
    for (;;) {
      if (signal?.aborted) return { kind: 'stopped' };
      const states = await partitions.ofRunIn(storage.pool, runId);
      if (states.length === 0) throw new Error(`The partitions of rebuild ${runId} are gone`);
      if (states.every((s) => s.done)) {
        const target = await inFencedTransaction(storage, this.slot.hold, async (client) => {
          const locked = await partitions.ofRunIn(client, runId, { lock: true });
          if (locked.length === 0 || !locked.every((s) => s.done)) return undefined;
          await storage.checkpoints.saveIn(client, this.slot.key, FEED_START, locked[0].target, locked[0].target.position);
          await partitions.deleteIn(client);
          return locked[0].target;
        });
        if (target) return target;
      }
      this.report('building');
      await new Promise((resolve) => setTimeout(resolve, PARTITIONS_POLL_MS));
    }
  }

  private agent(target: ProjectionTarget, from: FeedCursor, extra: Partial<ProjectionAgentOptions>): ProjectionAgent {
    const { storage, tuning } = this.options;
    return new ProjectionAgent({
      target,
      store: this.options.store,
      storage,
      hold: this.slot.hold,
      from,
      wake: this.options.wake,
      logger: this.options.logger,
      ...onlineBuilderTuning(tuning),
      fullBatchesWhileBehind: true,
      ...extra,
    });
  }

  private committed(count: number, cursor: FeedCursor, head: FeedCursor, caughtUp: boolean): void {
    this.slot.counted(count);
    if (this.phase === 'building' && hasReached(cursor, head)) this.phase = 'catching-up';
    if (caughtUp) this.ready.notify();
    if (this.phase === 'building' || this.phase === 'catching-up') this.report(this.phase, cursor);
  }

  /** The tables and the checkpoint in one transaction, the builder's token released with them. */
  private async swap(): Promise<void> {
    const { storage, projection, namespace, tuning } = this.options;
    await inFencedTransaction(storage, this.slot.hold, async (client) => {
      // The swap's DDL queues every reader of the table behind it: give up rather than stall them.
      await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(tuning.swapLockTimeoutMs))}`);
      // The retired table stays for a rollback (REBUILD_KEEP_PREVIOUS_MS), with the checkpoint it
      // stands at. Rows first, tables last: from the view's lock to the commit readers wait.
      await storage.checkpoints.retireLiveIn(client, projection.name, projection.version);
      await storage.checkpoints.promoteRebuildIn(client, projection.name, projection.version);
      await storage.fence.releaseBuilderIn(client, this.slot.hold);
      await swapInRebuiltTable(client, namespace, projection, { keepRetired: true });
    }, { ddl: namespace });
  }

  /** Progress with the phase and, while building, the distance to the head (read at most every HEAD_REFRESH_MS). */
  private report(phase: RebuildProgress['phase'], cursor?: FeedCursor): void {
    this.phase = phase;
    if (cursor && Date.now() - this.headReadAt > HEAD_REFRESH_MS) {
      this.headReadAt = Date.now();
      void this.options.store.readHead().then(
        (head) => (this.headPosition = head.lastPosition),
        () => undefined,
      );
    }
    this.slot.report(phase, { mode: 'online', ...(cursor ? { distanceToHead: Math.max(0, this.headPosition - cursor.position) } : {}) });
  }
}
