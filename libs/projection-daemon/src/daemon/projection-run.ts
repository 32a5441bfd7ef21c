import { Projection } from '@projectionist/projections';
import { RateMeter } from '../agent/agent-progress';
import { CommitSummary, ProjectionAgent } from '../agent/projection-agent';
import { CheckpointKey, ProjectionErrorInfo, ProjectionState } from '../storage/checkpoint-store';
import { LeaseHold } from '../storage/lease-fence';
import type { RebuildResult } from '../rebuild/rebuild-runner';
import { projectionLag } from './feed-lag';
import type { FeedHealth } from './feed-health';
import { ProjectionProgress, RebuildProgress } from './projection-progress';

/** What the daemon keeps of one async projection on this node: its agent, its term's state, its progress. */
export interface Running {
  readonly projection: Projection;
  readonly key: CheckpointKey;
  agent: { readonly agent: ProjectionAgent; readonly hold: LeaseHold } | undefined;
  /** An agent start in progress: a second start of the same term waits for it and starts nothing. */
  starting: Promise<void> | undefined;
  rebuilding: { readonly abort: AbortController; readonly done: Promise<RebuildResult> } | undefined;
  /** A start that failed on the database is tried again on this timer, within the same term. */
  retry: NodeJS.Timeout | undefined;
  startFailures: number;
  epoch: number;
  state: ProjectionState;
  error: ProjectionErrorInfo | null;
  lastPosition: number;
  lastEventAt: number | undefined;
  readonly rate: RateMeter;
  rebuild: RebuildProgress | null;
  /** Readers still use another version's table; they move to this one once it has caught up. */
  viewPending: boolean;
  switchingView: boolean;
}

export function newRun(projection: Projection): Running {
  return {
    projection,
    key: { projection: projection.name, version: projection.version, slot: 'live' },
    agent: undefined,
    starting: undefined,
    rebuilding: undefined,
    retry: undefined,
    startFailures: 0,
    epoch: 0,
    state: 'stopped',
    error: null,
    lastPosition: 0,
    lastEventAt: undefined,
    rate: new RateMeter(),
    rebuild: null,
    viewPending: false,
    switchingView: false,
  };
}

export function recordCommit(run: Running, summary: CommitSummary): void {
  for (const position of summary.positions) if (position > run.lastPosition) run.lastPosition = position;
  if (summary.lastCreatedAt) run.lastEventAt = summary.lastCreatedAt.getTime();
  run.rate.record(summary.count);
}

/** The projection as an operator sees it, its lag measured from the head of the feed. */
export function progressOf(run: Running, feed: FeedHealth, now: number): ProjectionProgress {
  const agent = run.agent?.agent;
  const lag = projectionLag({ cursor: agent?.cursor, caughtUp: agent?.caughtUp ?? false, lastPosition: run.lastPosition, lastEventAt: run.lastEventAt }, feed, now);
  return {
    name: run.projection.name,
    version: run.projection.version,
    mode: run.projection.mode,
    state: run.state,
    position: run.lastPosition,
    head: feed.head?.lastPosition ?? 0,
    lagEvents: lag.lagEvents,
    lagMs: lag.lagMs,
    eventsPerSecond: run.rate.perSecond(now),
    staged: agent?.staged ?? 0,
    error: run.error,
    rebuild: run.rebuild,
    heldBack: lag.heldBack,
  };
}
