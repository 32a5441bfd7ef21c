import { FormEvent, useEffect, useRef, useState } from 'react';
import { AdminApi, AdminApiError } from '../api/admin-api';
import type { RebuildMode, RebuildRunItem } from '../api/admin-types';
import { ProgressBar } from '../components/ProgressBar';
import { PartitionsNote } from '../components/PartitionsNote';
import { ResumesNote } from '../components/ResumesNote';
import { RollbackRun } from '../components/RollbackRun';
import { StateBadge } from '../components/StateBadge';
import { formatDuration, formatTime } from '../logic/format';
import { rebuildView } from '../logic/rebuild-view';
import { ClusterAction, ClusterState, isRunActive, sortedProjections, sortedRuns } from '../state/cluster-state';

interface Props {
  readonly api: AdminApi;
  readonly state: ClusterState;
  readonly dispatch: (action: ClusterAction) => void;
  readonly now: number;
}

/** Start a rebuild (with a confirmation), follow and cancel running ones, and read the history. */
export function RebuildsScreen({ api, state, dispatch, now }: Props) {
  const runs = sortedRuns(state);
  const active = runs.filter(isRunActive);
  const past = runs.filter((r) => !isRunActive(r));
  return (
    <section aria-labelledby="rebuilds-title">
      <h2 id="rebuilds-title">Rebuilds</h2>
      <StartRebuild api={api} state={state} dispatch={dispatch} />
      <h3>Running</h3>
      {active.length === 0 ? (
        <>
          <p className="muted">No rebuild is running.</p>
          {past[0] && (
            <div className="run-card run-card-last" data-run={past[0].id} aria-label="Last run">
              <RunTitle run={past[0]} />
              <ProgressBar view={rebuildView(past[0], now)} />
              <ResumesNote run={past[0]} />
              {past[0].mode === 'online' && past[0].phase === 'Completed' && <RollbackRun api={api} run={past[0]} />}
            </div>
          )}
        </>
      ) : (
        <ul className="runs">
          {active.map((run) => (
            <li key={run.id} className="run-card" data-run={run.id}>
              <RunTitle run={run} />
              <ProgressBar view={rebuildView(run, now)} />
              <PartitionsNote run={run} />
              <ResumesNote run={run} />
              <CancelRun api={api} run={run} />
            </li>
          ))}
        </ul>
      )}
      <h3>History</h3>
      {past.length === 0 ? <p className="muted">No finished runs yet.</p> : <RunHistory runs={past} now={now} />}
    </section>
  );
}

function RunTitle({ run }: { run: RebuildRunItem }) {
  return (
    <p className="run-title">
      <b>{run.projection}</b> <StateBadge state={run.phase} /> <span className="muted">{run.mode} · requested {formatTime(run.requestedAt)} · worker {run.worker ?? '—'}</span>
    </p>
  );
}

function StartRebuild({ api, state, dispatch }: Omit<Props, 'now'>) {
  const projections = sortedProjections(state).map((p) => p.name);
  const [projection, setProjection] = useState('');
  const [mode, setMode] = useState<RebuildMode>('blocking');
  const [partitions, setPartitions] = useState(1);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'error' | 'ok'; text: string } | undefined>();
  const confirmRef = useRef<HTMLButtonElement>(null);
  const chosen = projection || projections[0] || '';

  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  const ask = (event: FormEvent) => {
    event.preventDefault();
    setMessage(undefined);
    if (chosen) setConfirming(true);
  };
  const start = async () => {
    setBusy(true);
    try {
      const split = mode === 'online' ? partitions : 1;
      const { rebuildId } = await api.startRebuild(chosen, mode, split);
      const what = mode === 'online' ? `Online rebuild${split > 1 ? ` in ${split} partitions` : ''}` : 'Rebuild';
      setMessage({ kind: 'ok', text: `${what} of ${chosen} requested (${rebuildId}).` });
      // Show it at once; the stream brings every later change.
      void api.rebuild(rebuildId).then((run) => dispatch({ type: 'rebuild', run }), () => undefined);
    } catch (e) {
      const running = e instanceof AdminApiError && e.status === 409 && e.body.error !== 'NOT_SINGLE_STREAM';
      const text = running ? `A rebuild of ${chosen} is already running (${(e as AdminApiError).body.rebuildId ?? 'unknown id'}).` : (e as Error).message;
      setMessage({ kind: 'error', text });
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  return (
    <form className="start-rebuild" onSubmit={ask} aria-labelledby="start-title">
      <h3 id="start-title">Start a rebuild</h3>
      <div className="field-row">
        <label htmlFor="rebuild-projection">Projection</label>
        <select id="rebuild-projection" value={chosen} onChange={(e) => setProjection(e.target.value)} disabled={confirming || projections.length === 0}>
          {projections.map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
        <fieldset className="modes">
          <legend>Mode</legend>
          <label>
            <input type="radio" name="mode" value="blocking" checked={mode === 'blocking'} onChange={() => setMode('blocking')} disabled={confirming} />{' '}
            Blocking (writes are held until it ends)
          </label>
          <label>
            <input type="radio" name="mode" value="online" checked={mode === 'online'} onChange={() => setMode('online')} disabled={confirming} />{' '}
            Online (writes go on; the projection pauses only for the switch)
          </label>
        </fieldset>
        {mode === 'online' && (
          <label className="partitions">
            Partitions{' '}
            <input type="number" min={1} max={16} value={partitions} onChange={(e) => setPartitions(Math.min(16, Math.max(1, Math.trunc(Number(e.target.value)) || 1)))} disabled={confirming} />
            <span className="muted"> built by several workers at once (single-stream projections)</span>
          </label>
        )}
        {!confirming && (
          <button type="submit" disabled={!chosen || busy}>
            Rebuild…
          </button>
        )}
      </div>
      {confirming && (
        <div role="alertdialog" aria-labelledby="confirm-title" aria-describedby="confirm-text" className="confirm">
          <p id="confirm-title">
            <b>Rebuild {chosen}?</b>
          </p>
          <p id="confirm-text">
            {mode === 'online'
              ? `It is built from the first event beside the live table${partitions > 1 ? `, in ${partitions} partitions spread over the workers,` : ''} while writes and reads go on; the projection pauses only for the switch to the rebuilt table.`
              : 'It is replayed from the first event beside the live table. Every gateway answers domain writes with 503 until the rebuild ends.'}
          </p>
          <button type="button" ref={confirmRef} onClick={start} disabled={busy}>
            Yes, rebuild {chosen}
          </button>{' '}
          <button type="button" className="secondary" onClick={() => setConfirming(false)} disabled={busy}>
            Keep it as it is
          </button>
        </div>
      )}
      {message && (
        <p role={message.kind === 'error' ? 'alert' : 'status'} className={message.kind === 'error' ? 'form-error' : 'form-ok'}>
          {message.text}
        </p>
      )}
    </form>
  );
}

function CancelRun({ api, run }: { api: AdminApi; run: RebuildRunItem }) {
  const [error, setError] = useState<string | undefined>();
  const [sent, setSent] = useState(false);
  const cancel = async () => {
    setError(undefined);
    try {
      await api.cancelRebuild(run.id);
      setSent(true);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <p>
      <button type="button" className="secondary" onClick={cancel} disabled={sent} aria-label={`Cancel the rebuild of ${run.projection}`}>
        {sent ? 'Cancelling…' : 'Cancel'}
      </button>
      {error && (
        <span role="alert" className="form-error">
          {' '}
          {error}
        </span>
      )}
    </p>
  );
}

function RunHistory({ runs, now }: { runs: RebuildRunItem[]; now: number }) {
  return (
    <table className="cards">
      <caption className="visually-hidden">Finished rebuild runs, newest first</caption>
      <thead>
        <tr>
          <th scope="col">Projection</th>
          <th scope="col">Outcome</th>
          <th scope="col">Requested</th>
          <th scope="col">Duration</th>
          <th scope="col">Phases</th>
          <th scope="col">Error</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => {
          const view = rebuildView(run, now);
          return (
            <tr key={run.id} data-run={run.id} className={`row-${run.phase.toLowerCase()}`}>
              <th scope="row" data-label="Projection">
                {run.projection}
              </th>
              <td data-label="Outcome">
                <StateBadge state={run.phase} />
              </td>
              <td data-label="Requested">{formatTime(run.requestedAt)}</td>
              <td data-label="Duration">{formatDuration(view.durationMs)}</td>
              <td data-label="Phases">
                <ol className="phases">
                  {view.phases.map((p) => (
                    <li key={p.phase}>
                      {p.phase}
                      {p.tookMs !== undefined ? ` ${formatDuration(p.tookMs)}` : ''}
                    </li>
                  ))}
                </ol>
                <ResumesNote run={run} />
              </td>
              <td data-label="Error" data-testid={run.failure ? 'run-failure' : undefined}>
                {run.failure ? (
                  <span className="form-error">
                    {run.failure.reason}
                    {run.failure.eventPosition !== null ? ` (event at position ${run.failure.eventPosition})` : ''}
                  </span>
                ) : (
                  '—'
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
