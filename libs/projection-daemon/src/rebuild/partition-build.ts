import { EventStore, hasReached, WakeSignal } from '@projectionist/event-store';
import { isSingleStream, Projection } from '@projectionist/projections';
import { randomUUID } from 'node:crypto';
import { etaMs, RateMeter } from '../agent/agent-progress';
import { AgentLogger, AgentOutcome, ProjectionAgent } from '../agent/projection-agent';
import type { DaemonTuning } from '../daemon/daemon-options';
import { RebuildProgress } from '../daemon/projection-progress';
import type { BatchStorage } from '../storage/batch-storage';
import { PartitionFence, partitionSlot, PartitionSlots, PartitionState } from '../storage/partition-slots';
import { projectionTarget } from '../storage/projection-target';
import type { RebuildResult } from './rebuild-runner';
import { onlineBuilderTuning } from './rebuild-slot';

export interface PartitionBuildOptions {
  readonly storage: BatchStorage;
  readonly tuning: DaemonTuning;
  readonly namespace: string;
  readonly store: EventStore;
  readonly projection: Projection;
  readonly logger: AgentLogger;
  readonly wake: WakeSignal;
  readonly runId: string;
  readonly partition: number;
  readonly partitions: number;
  readonly onProgress: (progress: RebuildProgress) => void;
  /** How long to wait for the run's owner to create the partition before giving up; default 30 s. */
  readonly waitForPartitionMs?: number;
}

const FIND_EVERY_MS = 200;

/** Partitioned rebuilds: online, of a single-stream projection, for a coordinator's run. */
export function checkPartitionable(projection: Projection, mode: 'blocking' | 'online', runId: string | undefined, partitions: number): void {
  if (!Number.isInteger(partitions) || partitions < 1) throw new RangeError(`partitions must be a positive integer, not ${partitions}`);
  if (!isSingleStream(projection)) throw new Error(`${projection.name} is not a single-stream projection: its rebuild cannot be split by stream`);
  if (mode !== 'online') throw new Error('Only online rebuilds are partitioned');
  if (runId === undefined) throw new Error('A partitioned rebuild needs its run id');
}

/**
 * Builds one partition of a partitioned online rebuild: the events of its streams (hash of the
 * stream id modulo the count), from its checkpoint up to the rebuild's target, into the rebuild
 * table the run's owner created. Any worker with the projection's code may run it, lease or not:
 * its commits are fenced by its own token on the partition's checkpoint row (PartitionFence), and
 * a worker that takes the partition over (this one died) resumes from that checkpoint. Only
 * single-stream projections are split, so the partitions write disjoint documents. It removes
 * nothing when it fails: the table and the partitions are the owner's.
 */
export class PartitionBuild {
  private processed = 0;
  private total = 0;
  private readonly rate = new RateMeter(2_000);
  private readonly startedAt = new Date().toISOString();
  private readonly slot;
  private readonly slots: PartitionSlots;
  private readonly token = randomUUID();

  constructor(private readonly options: PartitionBuildOptions) {
    const { projection, storage, namespace, partition, partitions } = options;
    if (!isSingleStream(projection)) throw new Error(`${projection.name} is not a single-stream projection: its rebuild cannot be split by stream`);
    if (!Number.isInteger(partitions) || partitions < 2 || !Number.isInteger(partition) || partition < 0 || partition >= partitions) {
      throw new RangeError(`No partition ${partition} of ${partitions}`);
    }
    this.slot = partitionSlot(partition, partitions);
    this.slots = new PartitionSlots(storage.pool, namespace, { projection: projection.name, version: projection.version });
  }

  /** Never throws: the outcome says how it ended. */
  async run(signal?: AbortSignal): Promise<RebuildResult> {
    const started = Date.now();
    try {
      const state = await this.find(signal);
      if (state === 'aborted') return this.end({ status: 'cancelled', processed: this.processed });
      if (!state) return this.end({ status: 'failed', processed: 0, error: `rebuild ${this.options.runId} has no partition ${this.slot}: it is not partitioned, or it ended` });
      const outcome = state.done ? ({ kind: 'caught-up' } as AgentOutcome) : await this.build(state, signal);
      if (outcome.kind === 'caught-up') {
        await this.slots.markDone(this.slot, this.token);
        return this.end({ status: 'completed', processed: this.processed, durationMs: Date.now() - started });
      }
      if (outcome.kind === 'stopped') return this.end({ status: 'cancelled', processed: this.processed });
      const error = outcome.kind === 'error' ? outcome.error : { message: `partition ${this.slot} was taken over by another worker, or its run ended`, eventPosition: undefined };
      return this.end({ status: 'failed', processed: this.processed, error: error.message, eventPosition: error.eventPosition });
    } catch (error) {
      return this.end({ status: 'failed', processed: this.processed, error: (error as Error).message });
    }
  }

  /** Takes the partition with this build's token; the owner may not have created it yet. */
  private async find(signal?: AbortSignal): Promise<PartitionState | undefined | 'aborted'> {
    const giveUpAt = Date.now() + (this.options.waitForPartitionMs ?? 30_000);
    for (;;) {
      if (signal?.aborted) return 'aborted';
      const state = await this.slots.take(this.slot, this.options.runId, this.token);
      if (state || Date.now() >= giveUpAt) return state;
      await new Promise((resolve) => setTimeout(resolve, FIND_EVERY_MS));
    }
  }

  private async build(state: PartitionState, signal?: AbortSignal): Promise<AgentOutcome> {
    const { store, projection, storage, namespace, tuning, logger } = this.options;
    const partition = { index: this.options.partition, count: this.options.partitions };
    this.total = await store.countEvents(projection.eventTypes, state.target, partition);
    this.processed = hasReached(state.cursor, state.target) ? this.total : await store.countEvents(projection.eventTypes, state.cursor, partition);
    logger.log({ msg: 'rebuild partition started', projection: projection.name, runId: this.options.runId, partition: this.slot, from: state.cursor.position, processed: this.processed }, 'Rebuild');
    this.report('building');
    const fence = new PartitionFence(storage.pool, namespace, { projection: projection.name, version: projection.version }, this.slot);
    const agent = new ProjectionAgent({
      target: { ...projectionTarget(namespace, projection, 'rebuild'), checkpointSlot: this.slot },
      store,
      storage: { ...storage, fence },
      hold: { projection: projection.name, subject: projection.name, epoch: 0, agent: this.token },
      from: state.cursor,
      partition,
      upTo: state.target,
      wake: this.options.wake,
      logger,
      ...onlineBuilderTuning(tuning),
      stopWhenCaughtUp: true,
      stopNotBefore: state.target,
      onCommitted: ({ count }) => {
        this.processed += count;
        this.rate.record(count);
        this.report('building');
      },
    });
    return agent.runUntilAborted(signal);
  }

  private report(phase: RebuildProgress['phase'], error?: string): void {
    const perSecond = this.rate.perSecond();
    this.options.onProgress({
      phase,
      mode: 'online',
      processed: this.processed,
      total: Math.max(this.total, this.processed),
      eventsPerSecond: perSecond,
      etaMs: phase === 'building' ? etaMs(this.total - this.processed, perSecond) : 0,
      startedAt: this.startedAt,
      ...(error !== undefined && { error }),
    });
  }

  private end(result: RebuildResult): RebuildResult {
    const phase = result.status === 'completed' ? 'done' : result.status;
    this.report(phase, result.status === 'failed' ? result.error : undefined);
    if (result.status === 'failed') this.options.logger.warn({ msg: 'rebuild partition failed', projection: this.options.projection.name, partition: this.slot, error: result.error }, 'Rebuild');
    return result;
  }
}
