import { clusterView, WorkerRow } from './cluster-view';

describe('clusterView', () => {
  const row = (nodeId: string, over: Partial<WorkerRow> = {}, agents: object[] = []) => ({
    nodeId,
    details: { distribution: 'distributed', capabilities: ['A@1', 'B@1'], agents },
    heartbeatAgeMs: 100,
    upMs: 60_000,
    stopped: false,
    lockHeld: true,
    ...over,
  });
  const limits = { deadAfterMs: 5_000, settleMs: 10_000 };

  it.each([
    ['on time, holding its lock', row('n'), true],
    ['heartbeat late', row('n', { heartbeatAgeMs: 5_001 }), false],
    ['lock gone (killed), heartbeat still fresh', row('n', { lockHeld: false }), false],
    ['signed off', row('n', { stopped: true }), false],
  ])('a node %s is alive: %s', (_, r, alive) => {
    expect(clusterView([r], limits).nodes[0].alive).toBe(alive);
  });

  it("takes the agents live nodes report, ignores dead nodes' reports and HotCold workers, and wants every version live code has", () => {
    const view = clusterView(
      [
        row('n1', {}, [{ agent: 'A@1', health: 'running' }, { agent: 'X', health: 'bogus' }]),
        row('n2', { lockHeld: false }, [{ agent: 'B@1', health: 'running' }]),
        { ...row('n3', { upMs: 2_000 }), details: { distribution: 'distributed', capabilities: ['A@2'], agents: [] } },
        { ...row('hc'), details: { projections: ['A'] } },
      ],
      limits,
    );
    expect(view.current).toEqual([{ node: 'n1', agent: 'A@1', health: 'running' }]);
    expect(view.agents.map((a) => a.key)).toEqual(['A@1', 'A@2', 'B@1']);
    expect(view.nodes.map((n) => [n.id, n.alive, n.settled])).toEqual([
      ['n1', true, true],
      ['n2', false, true],
      ['n3', true, false],
    ]);
  });
});
