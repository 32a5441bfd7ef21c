import { formatCount, formatDuration, formatRate } from '../logic/format';
import { describeProgress, RebuildView } from '../logic/rebuild-view';

const STEP_LABELS: Partial<Record<string, string>> = { Building: 'Building', CatchingUp: 'Catching up', Switching: 'Switching', Completed: 'Completed' };

/** A rebuild's progress: the bar, processed/total, rate, ETA and phase; online, its steps and distance to head. */
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
        {view.distanceToHead !== undefined && (
          <div>
            <dt>Distance to head</dt>
            <dd data-testid="distance-to-head">{formatCount(view.distanceToHead)} events</dd>
          </div>
        )}
        {view.switchPauseMs !== undefined && (
          <div>
            <dt>Switch pause</dt>
            <dd data-testid="switch-pause">{formatDuration(view.switchPauseMs)}</dd>
          </div>
        )}
      </dl>
      {view.steps.length > 0 && (
        <ol className="steps" aria-label={`Phases of the online rebuild of ${view.projection}`}>
          {view.steps.map((step) => (
            <li key={step.phase} className={`step step-${step.state}`} aria-current={step.state === 'current' ? 'step' : undefined}>
              {STEP_LABELS[step.phase] ?? step.phase}
              <span className="visually-hidden"> ({step.state === 'next' ? 'to come' : step.state})</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
