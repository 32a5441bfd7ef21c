import { assignPartitions, evolvePartitions, lostPartitions, newPartitions, PartitionCommand, partitionOf, PartitionTransition } from './rebuild-partitions';
import { FINAL_PHASES, isActive, ONLINE_PHASES, RebuildFailure, RebuildMode, RebuildPhase, RebuildProgressSnapshot, RebuildRun, RebuildWorkerPhase } from './rebuild-run';

/** What the coordinator is told; `now` is passed in so that decisions stay pure and testable. */
export type RebuildCommand =
  /** `partitions`: an online run of a single-stream projection split in that many (2 or more; checked by the requester). */
  | { readonly kind: 'Request'; readonly id: string; readonly projection: string; readonly mode: RebuildMode; readonly partitions?: number }
  /**
   * The coordinator takes the run over and asks the workers. `overdueOnly`: only a run left
   * Requested for `dispatchAfterMs` (its RequestRebuild never came), else nothing happens.
   */
  | { readonly kind: 'Dispatch'; readonly overdueOnly?: boolean }
  /** The requester takes back a run it could not hand over; refused once the coordinator has it. */
  | { readonly kind: 'Withdraw' }
  /** The worker took the run: blocking, it stopped the projection; online, it began building beside it (or resumed it). */
  | { readonly kind: 'WorkerStarted'; readonly worker: string }
  /** `phase`: where the worker is; an online run follows it forward (older workers send none). */
  | { readonly kind: 'Progress'; readonly worker: string; readonly progress: RebuildProgressSnapshot; readonly phase?: RebuildWorkerPhase }
  | { readonly kind: 'Heartbeat'; readonly worker: string }
  /** `progress` is the final one: a completed run shows what it ended on, not its last heartbeat. */
  | { readonly kind: 'WorkerCompleted'; readonly worker: string; readonly progress: RebuildProgressSnapshot }
  | { readonly kind: 'Restarted'; readonly worker: string }
  | { readonly kind: 'WorkerFailed'; readonly worker: string; readonly failure: RebuildFailure }
  | { readonly kind: 'Cancel' }
  | { readonly kind: 'CheckLease' }
  | PartitionCommand;

/** What happened, as the coordinator stores and publishes it. */
export type RebuildTransition =
  | { readonly kind: 'Entered'; readonly phase: RebuildPhase; readonly at: number; readonly worker?: string; readonly failure?: RebuildFailure }
  | { readonly kind: 'ProgressReported'; readonly at: number; readonly progress: RebuildProgressSnapshot }
  /** Online: the worker that took the run, which stays in its phase (the one it was lost in, on a resume). */
  | { readonly kind: 'WorkerAssigned'; readonly at: number; readonly worker: string }
  /** Online: the worker went silent; the run stays in its phase and waits for the next lease holder to resume it. */
  | { readonly kind: 'WorkerLost'; readonly at: number; readonly worker: string }
  | { readonly kind: 'LeaseRenewed'; readonly at: number }
  | PartitionTransition;

export interface RebuildPolicy {
  /** How long a worker may stay silent before its run is failed; default 10 s. */
  readonly leaseTimeoutMs: number;
  /** How long a run may stay Requested before the coordinator dispatches it anyway; default 10 s. */
  readonly dispatchAfterMs?: number;
  /**
   * How many times an online run may lose its worker and be resumed before the next loss fails
   * it; default 20. A bound, so that a rebuild that kills its worker every time (a projection
   * that runs out of memory on some event) ends Failed instead of going round forever.
   */
  readonly maxResumes?: number;
}

const DEFAULT_DISPATCH_AFTER_MS = 10_000;
export const DEFAULT_MAX_RESUMES = 20;
export const DEFAULT_REBUILD_POLICY: RebuildPolicy = { leaseTimeoutMs: 10_000, dispatchAfterMs: DEFAULT_DISPATCH_AFTER_MS, maxResumes: DEFAULT_MAX_RESUMES };

export class RebuildRejected extends Error {
  constructor(
    readonly code: 'REBUILD_ALREADY_RUNNING' | 'REBUILD_FINISHED' | 'REBUILD_NOT_STARTED' | 'WRONG_WORKER' | 'WRONG_PHASE',
    message: string,
    readonly runningId?: string,
  ) {
    super(message);
    this.name = 'RebuildRejected';
  }
}

const ONLINE_PHASE_OF: Partial<Record<RebuildWorkerPhase, RebuildPhase>> = { building: 'Building', 'catching-up': 'CatchingUp', switching: 'Switching' };

/**
 * The rebuild state machine. Blocking: Requested → Stopping → Rebuilding(progress) → Restarting →
 * Completed. Online: Requested → Building → CatchingUp → Switching → Completed, the worker's
 * progress moving it forward (CatchingUp may be skipped by a short catch-up, never Switching).
 * An online run whose worker stops renewing its lease is not failed but resumed: it loses its
 * worker (WorkerLost), stays in its phase, and the next lease holder takes it (WorkerStarted, or
 * its first report) and goes on from the checkpoint the new table was committed with; past
 * `maxResumes` losses it fails. Either ends Failed(reason, event position) or Cancelled instead. `decide` says what a command
 * means for a run (or throws RebuildRejected); `evolve` applies a transition. No I/O: the
 * stores persist the transitions.
 *
 * Writers: the requester records Requested (so a conflicting request is refused at once) and may
 * only Withdraw a run still Requested; every later transition is the coordinator's, starting with
 * Dispatch. Both go through the run's locked row, so the first one wins and the other is refused.
 */
export function decide(run: RebuildRun | undefined, command: RebuildCommand, now: number, policy = DEFAULT_REBUILD_POLICY): RebuildTransition[] {
  if (command.kind === 'Request') {
    if (run && isActive(run)) {
      throw new RebuildRejected('REBUILD_ALREADY_RUNNING', `A rebuild of ${run.projection} is already running (${run.id})`, run.id);
    }
    return [{ kind: 'Entered', phase: 'Requested', at: now }];
  }
  if (!run) throw new RebuildRejected('REBUILD_NOT_STARTED', 'No rebuild run to apply this to');
  if (!isActive(run)) throw new RebuildRejected('REBUILD_FINISHED', `Rebuild ${run.id} already ended as ${run.phase}`);
  const lease = now + policy.leaseTimeoutMs;
  switch (command.kind) {
    case 'Dispatch':
      expectPhase(run, 'Requested');
      if (command.overdueOnly && now < run.requestedAt + (policy.dispatchAfterMs ?? DEFAULT_DISPATCH_AFTER_MS)) return [];
      return [{ kind: 'Entered', phase: run.mode === 'online' ? 'Building' : 'Stopping', at: now }];
    case 'Withdraw':
      expectPhase(run, 'Requested');
      return [{ kind: 'Entered', phase: 'Cancelled', at: now }];
    case 'WorkerStarted':
      if (run.mode === 'online') {
        expectOnlinePhase(run);
        expectNoWorkerYet(run, command.worker);
        return [{ kind: 'WorkerAssigned', at: now, worker: command.worker }, { kind: 'LeaseRenewed', at: lease }];
      }
      expectPhase(run, 'Stopping');
      return [{ kind: 'Entered', phase: 'Rebuilding', at: now, worker: command.worker }, { kind: 'LeaseRenewed', at: lease }];
    case 'Progress': {
      expectWorker(run, command.worker);
      // Partitioned, the owner only waits while Building: the run's progress is its partitions' sum.
      const waiting = run.partitions !== undefined && run.phase === 'Building' && (command.phase ?? 'building') === 'building';
      const progress: RebuildTransition[] = waiting ? [] : [{ kind: 'ProgressReported', at: now, progress: command.progress }];
      if (run.mode === 'online') return [...onlineAdvance(run, command.worker, command.phase, now), ...progress, { kind: 'LeaseRenewed', at: lease }];
      expectPhase(run, 'Rebuilding');
      return [...progress, { kind: 'LeaseRenewed', at: lease }];
    }
    case 'Heartbeat':
      expectWorker(run, command.worker);
      return [{ kind: 'LeaseRenewed', at: lease }];
    case 'WorkerCompleted':
      expectWorker(run, command.worker);
      if (run.mode === 'online') {
        // The worker's live agent already runs on the new table: nothing left to restart.
        const switchedAt = Math.max(run.history[run.history.length - 1].at, now - (command.progress.switchPauseMs ?? 0));
        return [...onlineAdvance(run, command.worker, 'switching', switchedAt), { kind: 'ProgressReported', at: now, progress: command.progress }, { kind: 'Entered', phase: 'Completed', at: now }];
      }
      expectPhase(run, 'Rebuilding');
      return [{ kind: 'ProgressReported', at: now, progress: command.progress }, { kind: 'Entered', phase: 'Restarting', at: now }, { kind: 'LeaseRenewed', at: lease }];
    case 'Restarted':
      expectWorker(run, command.worker);
      expectPhase(run, 'Restarting');
      return [{ kind: 'Entered', phase: 'Completed', at: now }];
    case 'WorkerFailed':
      expectWorker(run, command.worker);
      return [{ kind: 'Entered', phase: 'Failed', at: now, failure: command.failure }];
    case 'Cancel':
      return [{ kind: 'Entered', phase: 'Cancelled', at: now }];
    case 'AssignPartitions':
      return assignPartitions(run, command.workers, now, policy.leaseTimeoutMs);
    case 'PartitionStarted':
    case 'PartitionProgress': {
      const partition = partitionOf(run, command.partition, command.worker);
      if (typeof partition === 'string') throw new RebuildRejected('WRONG_WORKER', partition);
      const report = command.kind === 'PartitionProgress' ? { progress: command.progress, done: command.done } : {};
      return [{ kind: 'PartitionReported', at: now, partition: command.partition, worker: command.worker, leaseUntil: lease, ...report }];
    }
    case 'PartitionFailed': {
      // Only the partition's current worker speaks for it: one fenced out by a takeover says it failed, and is ignored.
      const partition = partitionOf(run, command.partition, command.worker);
      if (typeof partition === 'string' || partition.worker !== command.worker) throw new RebuildRejected('WRONG_WORKER', typeof partition === 'string' ? partition : `Partition ${command.partition} is not ${command.worker}'s`);
      const reason = `partition ${command.partition + 1} of ${run.partitions?.length} on ${command.worker}: ${command.failure.reason}`;
      return [{ kind: 'Entered', phase: 'Failed', at: now, failure: { ...command.failure, reason } }];
    }
    case 'CheckLease': {
      const lost = lostPartitions(run, now);
      const losses = (run.partitions ?? []).reduce((n, p) => n + p.losses, 0) + lost.length;
      if (lost.length > 0 && losses > (policy.maxResumes ?? DEFAULT_MAX_RESUMES)) {
        return [{ kind: 'Entered', phase: 'Failed', at: now, failure: { reason: `partition workers were lost ${losses} times: more than ${policy.maxResumes ?? DEFAULT_MAX_RESUMES}`, eventPosition: null } }];
      }
      if (run.leaseExpiresAt === null || now < run.leaseExpiresAt) return lost;
      if (resumable(run, policy)) return [...lost, { kind: 'WorkerLost', at: now, worker: run.worker as string }];
      if (resumable(run, policy)) return [{ kind: 'WorkerLost', at: now, worker: run.worker as string }];
      return [
        {
          kind: 'Entered',
          phase: 'Failed',
          at: now,
          failure: { reason: `worker ${run.worker} stopped renewing its lease (no heartbeat for ${policy.leaseTimeoutMs} ms)${resumesText(run)}`, eventPosition: null },
        },
      ];
    }
  }
}

export function evolve(run: RebuildRun | undefined, transition: RebuildTransition, request?: { id: string; projection: string; mode: RebuildMode; partitions?: number }): RebuildRun {
  if (!run) {
    if (!request || transition.kind !== 'Entered' || transition.phase !== 'Requested') {
      throw new Error('A run begins with its Requested transition and the request');
    }
    const { partitions, ...requested } = request;
    const split = newPartitions(partitions);
    return {
      ...requested,
      ...(split && { partitions: split }),
      phase: 'Requested',
      requestedAt: transition.at,
      worker: null,
      leaseExpiresAt: null,
      progress: null,
      failure: null,
      history: [{ phase: 'Requested', at: transition.at }],
    };
  }
  switch (transition.kind) {
    case 'Entered':
      return {
        ...run,
        // Past Building, every partition was built: the owner goes on only then (a worker killed after its last commit may not have said so).
        ...(run.partitions && run.phase === 'Building' && transition.phase !== 'Building' && !['Failed', 'Cancelled'].includes(transition.phase) && { partitions: run.partitions.map((p) => ({ ...p, done: true, leaseExpiresAt: null })) }),
        phase: transition.phase,
        worker: transition.worker ?? run.worker,
        failure: transition.failure ?? run.failure,
        leaseExpiresAt: isFinal(transition.phase) ? null : run.leaseExpiresAt,
        history: [...run.history, { phase: transition.phase, at: transition.at }],
      };
    case 'ProgressReported':
      return { ...run, progress: transition.progress };
    case 'LeaseRenewed':
      return { ...run, leaseExpiresAt: transition.at };
    case 'WorkerAssigned':
      return { ...run, worker: transition.worker, resumes: resumedBy(run.resumes, transition.worker, transition.at) };
    case 'WorkerLost': {
      const lost = { phase: run.phase, lostWorker: transition.worker, lostAt: transition.at, processedAtLoss: run.progress?.processed ?? null, resumedBy: null, resumedAt: null };
      return { ...run, worker: null, leaseExpiresAt: null, resumes: [...(run.resumes ?? []), lost] };
    }
    case 'PartitionAssigned':
    case 'PartitionReported':
    case 'PartitionLost':
      return evolvePartitions(run, transition);
  }
}

/** Applies a command: decide, then evolve; returns the new run and what to persist and publish. */
export function handle(run: RebuildRun | undefined, command: RebuildCommand, now: number, policy = DEFAULT_REBUILD_POLICY): { run: RebuildRun; transitions: RebuildTransition[] } {
  const transitions = decide(run, command, now, policy);
  const request = command.kind === 'Request' ? { id: command.id, projection: command.projection, mode: command.mode, partitions: command.partitions } : undefined;
  let next = command.kind === 'Request' ? undefined : run;
  for (const transition of transitions) next = evolve(next, transition, request);
  return { run: next ?? (run as RebuildRun), transitions };
}

function isFinal(phase: RebuildPhase): boolean {
  return FINAL_PHASES.includes(phase);
}

/**
 * Online: the transitions that bring the run to the worker's phase, never back. A worker that
 * reports before its RebuildStarted arrived (or was lost) takes the run with that report, so
 * the run does not wait without a lease. `at` dates the phase entered (the switch, on completion,
 * began a pause before it).
 */
function onlineAdvance(run: RebuildRun, worker: string, phase: RebuildWorkerPhase | undefined, at: number): RebuildTransition[] {
  const current = ONLINE_PHASES.indexOf(run.phase);
  if (current < 0) throw new RebuildRejected('WRONG_PHASE', `Rebuild ${run.id} is ${run.phase}, not building`);
  const assigned: RebuildTransition[] = run.worker === null ? [{ kind: 'WorkerAssigned', at, worker }] : [];
  const target = phase ? ONLINE_PHASES.indexOf(ONLINE_PHASE_OF[phase] ?? run.phase) : current;
  return target > current ? [...assigned, { kind: 'Entered', phase: ONLINE_PHASES[target], at }] : assigned;
}

/** An online run in flight whose worker was taken: a lost one is resumed, up to the policy's bound. */
function resumable(run: RebuildRun, policy: RebuildPolicy): boolean {
  return run.mode === 'online' && ONLINE_PHASES.includes(run.phase) && run.worker !== null && (run.resumes?.length ?? 0) < (policy.maxResumes ?? DEFAULT_MAX_RESUMES);
}

function resumesText(run: RebuildRun): string {
  const count = run.resumes?.length ?? 0;
  return count > 0 ? `, after ${count} resume${count === 1 ? '' : 's'}` : '';
}

/** The last loss, still waiting, is resumed by the worker that now takes the run. */
function resumedBy(resumes: RebuildRun['resumes'], worker: string, at: number): RebuildRun['resumes'] {
  const last = resumes?.[resumes.length - 1];
  if (!resumes || !last || last.resumedBy !== null) return resumes;
  return [...resumes.slice(0, -1), { ...last, resumedBy: worker, resumedAt: at }];
}

function expectOnlinePhase(run: RebuildRun): void {
  if (!ONLINE_PHASES.includes(run.phase)) throw new RebuildRejected('WRONG_PHASE', `Rebuild ${run.id} is ${run.phase}, not building`);
}

function expectNoWorkerYet(run: RebuildRun, worker: string): void {
  expectWorker(run, worker);
  if (run.worker !== null) throw new RebuildRejected('WRONG_PHASE', `Rebuild ${run.id} was already started by ${run.worker}`);
}

function expectPhase(run: RebuildRun, phase: RebuildPhase): void {
  if (run.phase !== phase) throw new RebuildRejected('WRONG_PHASE', `Rebuild ${run.id} is ${run.phase}, not ${phase}`);
}

function expectWorker(run: RebuildRun, worker: string): void {
  if (run.worker !== null && run.worker !== worker) {
    throw new RebuildRejected('WRONG_WORKER', `Rebuild ${run.id} runs on ${run.worker}, not ${worker}`);
  }
}
