import { EventStore, FEED_START, FeedCursor, WakeSignal } from '@projectionist/event-store';
import { AgentLogger } from '../agent/projection-agent';
import { OnlineRebuild } from '../rebuild/online-rebuild';
import { checkPartitionable, PartitionBuild } from '../rebuild/partition-build';
import { rollBackToPrevious } from '../rebuild/previous-table';
import { RebuildResult, RebuildRunner } from '../rebuild/rebuild-runner';
import type { BatchStorage } from '../storage/batch-storage';
import { ProjectionState } from '../storage/checkpoint-store';
import type { DaemonTuning } from './daemon-options';
import { RebuildProgress } from './projection-progress';
import { Running } from './projection-run';

/** What rebuilds and rollbacks need of the daemon: its storage and the start and stop of a live agent. */
export interface AgentControl {
  readonly storage: BatchStorage;
  readonly tuning: DaemonTuning;
  readonly namespace: string;
  readonly store: EventStore;
  readonly logger: AgentLogger;
  stopAgent(run: Running, state: ProjectionState): Promise<void>;
  startAgent(run: Running, term: number): Promise<void>;
  newWake(): WakeSignal;
  dropWake(wake: WakeSignal): void;
}

/**
 * Rebuilds one projection beside the live table and swaps it in, then runs its live agent again,
 * whatever the outcome, unless the term ended meanwhile. `blocking` stops the live agent for the
 * whole rebuild (RebuildRunner); `online` keeps it running and pauses it only for the switch
 * (OnlineRebuild), whose length the result reports as `switchPauseMs`. An online run with a
 * `runId` resumes from its checkpoint when an earlier attempt (a worker that died) left one.
 */
export async function runRebuild(control: AgentControl, run: Running, term: number, signal: AbortSignal, mode: 'blocking' | 'online', runId?: string, partitions?: number): Promise<RebuildResult> {
  await run.starting;
  if (mode === 'blocking') await control.stopAgent(run, 'rebuilding');
  const wake = control.newWake();
  const { storage, tuning, namespace, store, logger } = control;
  const base = { storage, tuning, namespace, store, projection: run.projection, epoch: run.epoch, logger, wake };
  const onProgress = (progress: RebuildProgress) => void (run.rebuild = progress);
  let result: RebuildResult & { switchedAt?: number };
  try {
    if (mode === 'blocking') result = await new RebuildRunner({ ...base, onProgress }).run(signal);
    else result = await new OnlineRebuild({ ...base, onProgress, runId, partitions, stopLive: () => stopLive(control, run) }).run(signal);
  } finally {
    control.dropWake(wake);
    if (run.state === 'rebuilding') run.state = 'stopped';
    run.rebuilding = undefined;
    await control.startAgent(run, term);
  }
  const { switchedAt, ...ended } = result;
  return switchedAt !== undefined && ended.status === 'completed' ? { ...ended, switchPauseMs: Date.now() - switchedAt } : ended;
}

/**
 * Switches back to the table the last online rebuild retired (kept REBUILD_KEEP_PREVIOUS_MS),
 * stopping the live agent only meanwhile; started again, it applies what came since the switch.
 */
export async function rollBack(control: AgentControl, run: Running, term: number): Promise<{ pauseMs: number }> {
  const started = Date.now();
  await run.starting;
  await control.stopAgent(run, 'rebuilding');
  try {
    const hold = control.storage.fence.newHold(run.projection.name, run.epoch);
    await rollBackToPrevious(control.storage, hold, control.namespace, run.projection, control.tuning.swapLockTimeoutMs);
  } finally {
    if (run.state === 'rebuilding') run.state = 'stopped';
    await control.startAgent(run, term);
  }
  return { pauseMs: Date.now() - started };
}

/** An online rebuild's switch: the live agent stops, and says where its checkpoint stands. */
async function stopLive(control: AgentControl, run: Running): Promise<FeedCursor> {
  const entry = run.agent;
  await control.stopAgent(run, 'rebuilding');
  return entry?.agent.cursor ?? FEED_START;
}

/** A partition of a partitioned online rebuild this node was asked to build (see PartitionBuild). */
export interface PartitionBuildRequest {
  readonly runId: string;
  readonly partition: number;
  readonly partitions: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: RebuildProgress) => void;
  readonly waitForPartitionMs?: number;
}

/**
 * Builds one partition of `run`'s partitioned online rebuild. Any node with the projection's code
 * may, lease or not: the partition is fenced by its own token. `builds` holds it while it runs, so
 * that the end of the term aborts it like the node's rebuilds.
 */
export async function buildPartition(control: AgentControl, run: Running, request: PartitionBuildRequest, builds: Set<AbortController>): Promise<RebuildResult> {
  checkPartitionable(run.projection, 'online', request.runId, request.partitions);
  const abort = new AbortController();
  const forward = () => abort.abort();
  request.signal?.addEventListener('abort', forward);
  if (request.signal?.aborted) abort.abort();
  builds.add(abort);
  const wake = control.newWake();
  try {
    const { storage, tuning, namespace, store, logger } = control;
    const build = new PartitionBuild({ storage, tuning, namespace, store, logger, wake, projection: run.projection, ...request, onProgress: request.onProgress ?? (() => undefined) });
    return await build.run(abort.signal);
  } finally {
    control.dropWake(wake);
    builds.delete(abort);
    request.signal?.removeEventListener('abort', forward);
  }
}

/**
 * Starts runRebuild for `run`, aborted by `signal` or by the term's end (the returned `abort`,
 * which the daemon keeps on the run for its stop).
 */
export function startRebuild(
  control: AgentControl,
  run: Running,
  term: number,
  options: { signal?: AbortSignal; mode?: 'blocking' | 'online'; runId?: string; partitions: number },
): { abort: AbortController; done: Promise<RebuildResult> } {
  const abort = new AbortController();
  const forward = () => abort.abort();
  options.signal?.addEventListener('abort', forward);
  if (options.signal?.aborted) abort.abort();
  const done = runRebuild(control, run, term, abort.signal, options.mode ?? 'blocking', options.runId, options.partitions).finally(() => options.signal?.removeEventListener('abort', forward));
  return { abort, done };
}
