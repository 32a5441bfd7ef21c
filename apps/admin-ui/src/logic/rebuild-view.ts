import { FINAL_PHASES, RebuildPhase, RebuildRunItem } from '../api/admin-types';
import { percent } from './format';

/** What the progress bar and the run's row show; pure, from one run. */
export interface RebuildView {
  readonly id: string;
  readonly projection: string;
  readonly phase: RebuildPhase;
  readonly final: boolean;
  readonly processed: number | undefined;
  readonly total: number | undefined;
  readonly percent: number | undefined;
  readonly eventsPerSecond: number | undefined;
  readonly etaMs: number | undefined;
  readonly durationMs: number | undefined;
  readonly phases: readonly { phase: RebuildPhase; at: number; tookMs: number | undefined }[];
  readonly failure: { reason: string; eventPosition: number | null } | null;
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
    final,
    processed,
    total: progress?.total,
    percent: run.phase === 'Completed' ? 100 : progress ? percent(progress.processed, progress.total) : undefined,
    eventsPerSecond: progress?.eventsPerSecond,
    etaMs: final ? undefined : (progress?.etaMs ?? undefined),
    durationMs: (ended ?? now) - started,
    phases: run.history.map((h, i) => ({ ...h, tookMs: i + 1 < run.history.length ? run.history[i + 1].at - h.at : final ? undefined : now - h.at })),
    failure: run.failure,
  };
}

/** Words for a screen reader and a title, e.g. "Rebuilding: 45 % (450,000 of 1,000,000 events)". */
export function describeProgress(view: RebuildView): string {
  if (view.percent === undefined) return view.phase;
  const counts = view.processed !== undefined && view.total !== undefined ? ` (${view.processed.toLocaleString('en-US')} of ${view.total.toLocaleString('en-US')} events)` : '';
  return `${view.phase}: ${view.percent} %${counts}`;
}
