import { useEffect, useState } from 'react';
import { AdminApi } from '../api/admin-api';
import type { ReactorDeadLetterItem, ReactorItem } from '../api/admin-types';
import { StateBadge } from '../components/StateBadge';
import { formatCount, formatDuration } from '../logic/format';

/** How often the screen asks again: reactors are not on the admin stream. */
const REFRESH_MS = 2_000;

/**
 * Every reactor: its state, the node running it, its position and lag over its categories, and
 * the events it gave up on (dead letters) with their errors. Reactors run on their own
 * checkpoints: a projection rebuild never moves them.
 */
export function ReactorsScreen({ api }: { api: AdminApi }) {
  const [reactors, setReactors] = useState<ReactorItem[] | undefined>();
  const [letters, setLetters] = useState<Record<string, ReactorDeadLetterItem[]>>({});
  const [failure, setFailure] = useState<string | undefined>();

  useEffect(() => {
    let stopped = false;
    const refresh = async () => {
      try {
        const items = await api.reactors();
        const parked = await Promise.all(items.filter((r) => r.deadLetters > 0).map(async (r) => [r.name, await api.reactorDeadLetters(r.name)] as const));
        if (stopped) return;
        setReactors(items);
        setLetters(Object.fromEntries(parked));
        setFailure(undefined);
      } catch (e) {
        if (!stopped) setFailure((e as Error).message);
      }
    };
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [api]);

  return (
    <section aria-labelledby="reactors-title">
      <h2 id="reactors-title">Reactors</h2>
      {failure && (
        <p role="alert" className="form-error">
          Could not load the reactors: {failure}
        </p>
      )}
      {reactors === undefined ? (
        <p className="muted">Loading…</p>
      ) : (
        <table className="cards">
          <caption className="visually-hidden">Reactors with their state, node, position, lag and dead letters</caption>
          <thead>
            <tr>
              <th scope="col">Reactor</th>
              <th scope="col">State</th>
              <th scope="col">Node</th>
              <th scope="col">Position</th>
              <th scope="col">Lag</th>
              <th scope="col">Dead letters</th>
            </tr>
          </thead>
          <tbody>
            {reactors.map((r) => (
              <tr key={r.name} data-reactor={r.name}>
                <th scope="row" data-label="Reactor">
                  {r.name} <span className="muted">· {r.categories.join(', ')}</span>
                </th>
                <td data-label="State">
                  <StateBadge state={r.state} />
                  {r.error && <p role="alert">{`${r.name} stopped on an error: ${r.error.message}`}</p>}
                </td>
                <td data-label="Node">{r.node ?? '—'}</td>
                <td data-label="Position">{formatCount(r.position)}</td>
                <td data-label="Lag">{r.lagEvents === 0 ? 'caught up' : `${formatCount(r.lagEvents)} events · ${formatDuration(r.lagMs)}`}</td>
                <td data-label="Dead letters">{formatCount(r.deadLetters)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {Object.entries(letters).map(([name, items]) => (
        <section key={name} aria-labelledby={`letters-${name}`}>
          <h3 id={`letters-${name}`}>Dead letters of {name}</h3>
          <ul>
            {items.map((l) => (
              <li key={l.eventId}>
                {l.eventType} at position {formatCount(l.eventPosition)} on {l.streamId}, after {l.attempts} attempts: <code>{l.error}</code>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </section>
  );
}
