import { diffSnapshot, formatEvent } from './snapshot-diff';

describe('diffSnapshot', () => {
  const nodes = [
    { nodeId: 'a', status: 'up', heartbeatAt: 1 },
    { nodeId: 'b', status: 'up', heartbeatAt: 1 },
  ];
  const fingerprint = (n: (typeof nodes)[number]) => ({ status: n.status });

  it('sends every item to a new client, then only what changed in the fields that matter', () => {
    const first = diffSnapshot('node', new Map(), nodes, (n) => n.nodeId, fingerprint);
    expect(first.events.map((e) => (e.data as { nodeId: string }).nodeId)).toEqual(['a', 'b']);
    const beat = nodes.map((n) => ({ ...n, heartbeatAt: 2 }));
    expect(diffSnapshot('node', first.fingerprints, beat, (n) => n.nodeId, fingerprint).events).toEqual([]);
    const down = [nodes[0], { ...nodes[1], status: 'down' }];
    expect(diffSnapshot('node', first.fingerprints, down, (n) => n.nodeId, fingerprint).events).toEqual([{ event: 'node', data: down[1] }]);
  });

  it('formats a server-sent event', () => {
    expect(formatEvent({ event: 'rebuild', data: { id: 'r-1' } })).toBe('event: rebuild\ndata: {"id":"r-1"}\n\n');
  });
});
