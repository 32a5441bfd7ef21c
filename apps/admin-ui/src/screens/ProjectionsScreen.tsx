import type { ProjectionItem, ProjectionVersionItem } from '../api/admin-types';
import { HeldBackBanner } from '../components/HeldBackBanner';
import { ProgressBar } from '../components/ProgressBar';
import { Sparkline } from '../components/Sparkline';
import { StateBadge } from '../components/StateBadge';
import { formatCount, formatDuration, formatRate } from '../logic/format';
import { heldBackView } from '../logic/held-back-view';
import { rebuildView } from '../logic/rebuild-view';
import { activeRunFor, ClusterState, sortedProjections } from '../state/cluster-state';

/** Every projection, live: state, owner, position/head, lag, rate, a chart, a running rebuild's progress, and what holds the feed back. */
export function ProjectionsScreen({ state, now }: { state: ClusterState; now: number }) {
  const projections = sortedProjections(state);
  if (!state.loaded) return <p className="muted">Loading the projections…</p>;
  if (projections.length === 0) return <p className="muted">No projections have registered yet: start a projector-worker.</p>;
  return (
    <section aria-labelledby="projections-title">
      <h2 id="projections-title">Projections</h2>
      <HeldBackBanner view={heldBackView(projections)} />
      <table className="cards">
        <caption className="visually-hidden">Projections with their state, position and lag, updated live</caption>
        <thead>
          <tr>
            <th scope="col">Projection</th>
            <th scope="col">State</th>
            <th scope="col">Owner node</th>
            <th scope="col">Position / head</th>
            <th scope="col">Lag</th>
            <th scope="col">Rate</th>
            <th scope="col">Lag, last minutes</th>
          </tr>
        </thead>
        <tbody>
          {projections.map((p) => (
            <ProjectionRow key={p.name} projection={p} state={state} now={now} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function ProjectionRow({ projection: p, state, now }: { projection: ProjectionItem; state: ClusterState; now: number }) {
  const run = activeRunFor(state, p.name);
  const error = p.state === 'error' ? describeProjectionError(p.error) : undefined;
  return (
    <>
      <tr data-projection={p.name} className={`row-${p.state}`}>
        <th scope="row" data-label="Projection">
          {p.name} <span className="muted">v{p.version} · {p.mode}</span>
          <VersionsNote versions={p.versions ?? []} />
        </th>
        <td data-label="State">
          <StateBadge state={run ? 'rebuilding' : p.state} />
        </td>
        <td data-label="Owner node">{p.ownerNode ?? '—'}</td>
        <td data-label="Position / head">
          {formatCount(p.position)} / {formatCount(p.head)}
        </td>
        <td data-label="Lag">
          {formatCount(p.lagEvents)} events · {formatDuration(p.lagMs)}
        </td>
        <td data-label="Rate">{formatRate(p.eventsPerSecond)}</td>
        <td data-label="Lag, last minutes">
          <Sparkline samples={state.samples[p.name] ?? []} value={(s) => s.lagEvents} label={`${p.name} lag in events`} />
        </td>
      </tr>
      {(run || error) && (
        <tr className="row-detail">
          <td colSpan={7}>
            {run && <ProgressBar view={rebuildView(run, now)} />}
            {error && (
              <p className="form-error" role="alert">
                {p.name} stopped on an error: {error}
              </p>
            )}
          </td>
        </tr>
      )}
    </>
  );
}

/** While a new version is rolled out: which version readers read, which is being built, which they left. */
function VersionsNote({ versions }: { versions: readonly ProjectionVersionItem[] }) {
  if (versions.length < 2) return null;
  return (
    <ul className="versions" data-testid="projection-versions">
      {versions.map((v) => (
        <li key={v.version} className={`version-${v.role}`}>
          v{v.version} {v.role}
          {v.role === 'building' && ` · ${formatCount(v.lagEvents)} events behind`}
          {v.ownerNode && ` · ${v.ownerNode}`}
        </li>
      ))}
    </ul>
  );
}

function describeProjectionError(error: unknown): string {
  if (!error) return 'no detail recorded';
  if (typeof error === 'string') return error;
  const e = error as { message?: string; position?: number; eventPosition?: number };
  const position = e.position ?? e.eventPosition;
  return `${e.message ?? JSON.stringify(error)}${position !== undefined ? ` (event at position ${position})` : ''}`;
}
