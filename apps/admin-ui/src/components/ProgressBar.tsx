import { formatCount, formatDuration, formatRate } from '../logic/format';
import { describeProgress, RebuildView } from '../logic/rebuild-view';

/** A rebuild's progress: the bar, processed/total, rate, ETA and phase. */
export function ProgressBar({ view }: { view: RebuildView }) {
  const label = describeProgress(view);
  return (
    <div className="progress" data-phase={view.phase}>
      <div
        className={`progress-track progress-${view.phase.toLowerCase()}`}
        role="progressbar"
        aria-label={`Rebuild of ${view.projection}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={view.percent}
        aria-valuetext={label}
      >
        <div className="progress-fill" style={{ width: `${view.percent ?? 0}%` }} />
        <span className="progress-text">{view.percent === undefined ? view.phase : `${view.percent} %`}</span>
      </div>
      <dl className="progress-facts">
        <div>
          <dt>Phase</dt>
          <dd data-testid="rebuild-phase">{view.phase}</dd>
        </div>
        <div>
          <dt>Processed</dt>
          <dd>
            {formatCount(view.processed)} / {formatCount(view.total)}
          </dd>
        </div>
        <div>
          <dt>Rate</dt>
          <dd>{formatRate(view.eventsPerSecond)}</dd>
        </div>
        <div>
          <dt>ETA</dt>
          <dd>{view.final ? '—' : formatDuration(view.etaMs)}</dd>
        </div>
        <div>
          <dt>Elapsed</dt>
          <dd>{formatDuration(view.durationMs)}</dd>
        </div>
      </dl>
    </div>
  );
}
