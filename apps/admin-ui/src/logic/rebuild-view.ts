import { FINAL_PHASES, RebuildPhase, RebuildRunItem } from '../api/admin-types';
import { percent } from './format';

/** What the progress bar and the run's row show; pure, from one run. */
export interface RebuildView {
  readonly id: string;
  readonly projection: string;
  readonly phase: RebuildPhase;
  readonly mode: string;
  readonly final: boolean;
  readonly processed: number | undefined;
  readonly total: number | undefined;
  readonly percent: number | undefined;
  readonly eventsPerSecond: number | undefined;
  readonly etaMs: number | undefined;
  readonly durationMs: number | undefined;
  readonly phases: readonly { phase: RebuildPhase; at: number; tookMs: number | undefined }[];
  readonly failure: { reason: string; eventPosition: number | null } | null;
  /** Online, while it runs and the worker says: events between the rebuilt table and the head. */
  readonly distanceToHead: number | undefined;
  /** Online, once completed: the projection's one pause. */
  readonly switchPauseMs: number | undefined;
  /** The way through an online run, each step done, current or still to come; empty for a blocking one. */
  readonly steps: readonly { phase: RebuildPhase; state: 'done' | 'current' | 'stopped' | 'next' }[];
}

const ONLINE_STEPS: readonly RebuildPhase[] = ['Building', 'CatchingUp', 'Switching', 'Completed'];

/** A short catch-up can skip CatchingUp: a step counts as done once any later one was entered. */
function onlineSteps(run: RebuildRunItem): RebuildView['steps'] {
  if (run.mode !== 'online') return [];
  const entered = run.history.map((h) => ONLINE_STEPS.indexOf(h.phase)).filter((i) => i >= 0);
  const reached = entered.length > 0 ? Math.max(...entered) : -1;
  // The step a failed or cancelled run ended in is where it stopped, not done.
  const atReached = run.phase === 'Completed' ? 'done' : FINAL_PHASES.includes(run.phase) ? 'stopped' : 'current';
  return ONLINE_STEPS.map((phase, i) => ({ phase, state: i < reached ? 'done' : i === reached ? atReached : 'next' }));
}

export function rebuildView(run: RebuildRunItem, now: number): RebuildView {
  const final = FINAL_PHASES.includes(run.phase);
  const started = run.history[0]?.at ?? run.requestedAt;
  const ended = final ? run.history[run.history.length - 1]?.at : undefined;
  const progress = run.progress;
  // A completed run has applied everything: show it full even when the last tick came before the end.
  const processed = run.phase === 'Completed' && progress ? progress.total : progress?.processed;
  return {
    id: run.id,
    projection: run.projection,
    phase: run.phase,
    mode: run.mode,
    final,
    processed,
    total: progress?.total,
    percent: run.phase === 'Completed' ? 100 : progress ? percent(progress.processed, progress.total) : undefined,
    eventsPerSecond: progress?.eventsPerSecond,
    etaMs: final ? undefined : (progress?.etaMs ?? undefined),
    durationMs: (ended ?? now) - started,
    phases: run.history.map((h, i) => ({ ...h, tookMs: i + 1 < run.history.length ? run.history[i + 1].at - h.at : final ? undefined : now - h.at })),
    failure: run.failure,
    distanceToHead: final ? undefined : (progress?.distanceToHead ?? undefined),
    switchPauseMs: progress?.switchPauseMs ?? undefined,
    steps: onlineSteps(run),
  };
}

/** Words for a screen reader and a title, e.g. "Rebuilding: 45 % (450,000 of 1,000,000 events)". */
export function describeProgress(view: RebuildView): string {
  if (view.percent === undefined) return view.phase;
  const counts = view.processed !== undefined && view.total !== undefined ? ` (${view.processed.toLocaleString('en-US')} of ${view.total.toLocaleString('en-US')} events)` : '';
  return `${view.phase}: ${view.percent} %${counts}`;
}
