import type { NodeItem } from '../api/admin-types';
import { StateBadge } from '../components/StateBadge';
import { formatAge } from '../logic/format';
import { ClusterState, sortedNodes } from '../state/cluster-state';

/** Every node of the cluster: its app and role, heartbeat age, and what it runs. */
export function NodesScreen({ state, now }: { state: ClusterState; now: number }) {
  const nodes = sortedNodes(state);
  return (
    <section aria-labelledby="nodes-title">
      <h2 id="nodes-title">Nodes</h2>
      {nodes.length === 0 ? (
        <p className="muted">No node has reported yet.</p>
      ) : (
        <table className="cards">
          <caption className="visually-hidden">Nodes with their role, status and heartbeat</caption>
          <thead>
            <tr>
              <th scope="col">Node</th>
              <th scope="col">App</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Heartbeat</th>
              <th scope="col">Runs</th>
              <th scope="col">Address</th>
            </tr>
          </thead>
          <tbody>
            {nodes.map((node) => (
              <tr key={node.nodeId} data-node={node.nodeId} className={`row-${node.status}`}>
                <th scope="row" data-label="Node">
                  {node.nodeId}
                </th>
                <td data-label="App">{node.app}</td>
                <td data-label="Role">{node.role}</td>
                <td data-label="Status">
                  <StateBadge state={node.status} />
                </td>
                <td data-label="Heartbeat">{node.stoppedAt ? `stopped ${formatAge(node.stoppedAt, now)}` : formatAge(node.heartbeatAt, now)}</td>
                <td data-label="Runs">
                  {describeWork(node)}
                  {node.agents && node.agents.length > 0 && (
                    <ul className="agents" aria-label={`Agents on ${node.nodeId}`}>
                      {node.agents.map((a) => (
                        <li key={a.agent} data-agent={a.agent}>
                          {a.agent} <StateBadge state={a.health} />
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td data-label="Address">
                  {node.host}:{node.port} <span className="muted">pid {node.pid}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Pure: what a node is doing, in words, from its role and the details its heartbeat reports. */
export function describeWork(node: NodeItem): string {
  // A node that stopped beating may no longer do what it last said.
  if (node.status === 'down' || node.status === 'stopped') return `last reported: ${describeLiveWork(node)}`;
  return describeLiveWork(node);
}

function describeLiveWork(node: NodeItem): string {
  const d = node.details ?? {};
  const links = [d.broker ? `broker ${String(d.broker)}` : undefined, d.sharedState ? `state from ${String(d.sharedState)}` : undefined].filter(Boolean).join(', ');
  const suffix = links ? ` (${links})` : '';
  if (node.app === 'projector-worker') {
    const projections = Array.isArray(d.projections) ? (d.projections as string[]) : [];
    if (d.distribution === 'distributed') {
      const count = node.agents?.length ?? 0;
      return `${node.role === 'active' ? `${count} agent${count === 1 ? '' : 's'}` : 'joining'}${suffix}`;
    }
    if (node.role === 'active') return `daemon: ${projections.length ? projections.join(', ') : 'no projections'}${suffix}`;
    return `standby, ready to take over${suffix}`;
  }
  if (node.app === 'coordinator') return `${node.role === 'leader' ? 'leads the rebuilds' : 'standby coordinator'}${suffix}`;
  if (node.app === 'gateway') return `HTTP API and write-guard${suffix}`;
  return `${node.role}${suffix}`;
}
