import { EventStore, FeedCursor, WakeSignal } from '@projectionist/event-store';
import { AgentLogger, CommitSummary, ProjectionAgent } from '../agent/projection-agent';
import type { BatchStorage } from '../storage/batch-storage';
import { LeaseHold } from '../storage/lease-fence';
import { projectionTarget } from '../storage/projection-target';
import type { DaemonTuning } from './daemon-options';
import { recordCommit, Running } from './projection-run';
import { switchReadersWhenCaughtUp } from './version-switch';

export interface LiveAgentDeps {
  readonly namespace: string;
  readonly store: EventStore;
  readonly storage: BatchStorage;
  readonly tuning: DaemonTuning;
  readonly logger: AgentLogger;
}

/**
 * The agent applying the feed to the table readers use, from `from` under `hold`. Following the
 * head it reads pages of `pageSize` and commits as soon as nothing more is staged; catching up a
 * backlog (a new projection, a long stop) is a rebuild's work, so a document projection then
 * reads and commits as a rebuild does: it holds changed documents between commits (bounded by
 * maxDirtyDocuments), while other kinds hold their batch's events, which backpressure must bound.
 * A new version not read yet moves the readers to itself once caught up (see version-switch).
 */
export function newLiveAgent(deps: LiveAgentDeps, run: Running, hold: LeaseHold, from: FeedCursor, wake: WakeSignal, committed: (summary: CommitSummary) => void): ProjectionAgent {
  const { namespace, store, storage, tuning, logger } = deps;
  const target = projectionTarget(namespace, run.projection, 'live');
  const switchReaders = () => void switchReadersWhenCaughtUp(run, hold, storage, namespace, logger);
  const documents = run.projection.kind === 'document';
  return new ProjectionAgent({
    ...{ target, store, storage, hold, from, wake, logger },
    pageSize: tuning.pageSize,
    commitEvery: tuning.liveCommitEvery,
    commitEveryWhileBehind: documents ? tuning.rebuildCommitEvery : undefined,
    pagesWhileBehind: documents ? { pageSize: tuning.rebuildPageSize, encoding: tuning.rebuildFeedEncoding } : undefined,
    backpressure: tuning.backpressure,
    pollIntervalMs: tuning.pollIntervalMs,
    readGapMs: tuning.liveReadGapMs,
    onCaughtUp: run.viewPending ? switchReaders : undefined,
    onCommitted: (summary) => {
      recordCommit(run, summary);
      if (summary.caughtUp && run.viewPending) switchReaders();
      committed(summary);
    },
  });
}
