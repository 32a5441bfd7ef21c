import { AgentCommand, Placement, plan, PlanAgent, PlanNode, PlanOptions } from './agent-plan';

const SIX = ['A@1', 'B@1', 'C@1', 'D@1', 'E@1', 'F@1'];
const node = (id: string, over: Partial<PlanNode> = {}): PlanNode => ({ id, alive: true, settled: true, capabilities: SIX, ...over });
const agents = (keys: readonly string[], weights: Record<string, number> = {}): PlanAgent[] => keys.map((key) => ({ key, weight: weights[key] }));
const running = (nodeId: string, ...keys: string[]): Placement[] => keys.map((agent) => ({ node: nodeId, agent, health: 'running' }));

/** Applies commands to placements, so that a case can state where agents end up. */
function after(current: readonly Placement[], commands: readonly AgentCommand[]): Record<string, string[]> {
  const where = new Map<string, Set<string>>();
  for (const p of current) (where.get(p.node) ?? where.set(p.node, new Set()).get(p.node)!).add(p.agent);
  for (const c of commands) {
    const set = where.get(c.node) ?? where.set(c.node, new Set()).get(c.node)!;
    if (c.kind === 'start') set.add(c.agent);
    else set.delete(c.agent);
  }
  return Object.fromEntries([...where].filter(([, s]) => s.size > 0).map(([n, s]) => [n, [...s].sort()]).sort());
}

interface Case {
  readonly name: string;
  readonly given: { nodes: PlanNode[]; agents: PlanAgent[]; current: Placement[]; options?: PlanOptions };
  readonly then: { commands?: AgentCommand[]; counts?: Record<string, number>; placement?: Record<string, string[]> };
}

const cases: Case[] = [
  {
    name: 'spreads six agents running nowhere evenly over three nodes',
    given: { nodes: [node('n1'), node('n2'), node('n3')], agents: agents(SIX), current: [] },
    then: { counts: { n1: 2, n2: 2, n3: 2 } },
  },
  {
    name: 'leaves a balanced cluster alone',
    given: { nodes: [node('n1'), node('n2'), node('n3')], agents: agents(SIX), current: [...running('n1', 'A@1', 'B@1'), ...running('n2', 'C@1', 'D@1'), ...running('n3', 'E@1', 'F@1')] },
    then: { commands: [] },
  },
  {
    name: 'evens out the sum of weights rather than the count',
    given: { nodes: [node('n1'), node('n2')], agents: agents(['A@1', 'B@1', 'C@1'], { 'A@1': 2 }), current: [] },
    then: { placement: { n1: ['A@1'], n2: ['B@1', 'C@1'] } },
  },
  {
    name: "reassigns a dead node's agents to the live ones and sends the dead node nothing",
    given: {
      nodes: [node('n1'), node('n2'), node('n3', { alive: false })],
      agents: agents(SIX),
      current: [...running('n1', 'A@1', 'B@1'), ...running('n2', 'C@1', 'D@1'), ...running('n3', 'E@1', 'F@1')],
    },
    then: {
      commands: [
        { kind: 'start', node: 'n1', agent: 'E@1' },
        { kind: 'start', node: 'n2', agent: 'F@1' },
      ],
    },
  },
  {
    name: 'never puts more than the per-node cap on a node, even when agents are left running nowhere',
    given: { nodes: [node('n1'), node('n2')], agents: agents(SIX), current: [], options: { maxAgentsPerNode: 2 } },
    then: { counts: { n1: 2, n2: 2 } },
  },
  {
    name: 'sheds agents from a node over the cap',
    given: { nodes: [node('n1'), node('n2')], agents: agents(['A@1', 'B@1', 'C@1']), current: running('n1', 'A@1', 'B@1', 'C@1'), options: { maxAgentsPerNode: 2, maxMoves: 0 } },
    then: { counts: { n1: 2, n2: 1 } },
  },
  {
    name: 'places an agent only on a node whose code has its version',
    given: {
      nodes: [node('old', { capabilities: ['Car@1', 'X@1'] }), node('new', { capabilities: ['Car@2', 'X@1'] })],
      agents: agents(['Car@1', 'Car@2', 'X@1']),
      current: [],
    },
    then: { placement: { new: ['Car@2', 'X@1'], old: ['Car@1'] } },
  },
  {
    name: 'leaves an agent no live node has the code for running nowhere',
    given: { nodes: [node('old', { capabilities: ['Car@1'] })], agents: agents(['Car@1', 'Car@2']), current: [] },
    then: { commands: [{ kind: 'start', node: 'old', agent: 'Car@1' }] },
  },
  {
    name: 'stops an agent on a node whose code no longer has it',
    given: { nodes: [node('n1', { capabilities: ['Car@2'] })], agents: agents(['Car@2']), current: running('n1', 'Car@1', 'Car@2') },
    then: { commands: [{ kind: 'stop', node: 'n1', agent: 'Car@1' }] },
  },
  {
    name: 'stops extraneous copies and keeps the running one',
    given: {
      nodes: [node('n1'), node('n2')],
      agents: agents(['A@1', 'B@1']),
      current: [{ node: 'n1', agent: 'A@1', health: 'starting' }, ...running('n2', 'A@1', 'B@1'), ...running('n1', 'B@1')],
    },
    then: {
      commands: [
        { kind: 'stop', node: 'n2', agent: 'B@1' },
        { kind: 'stop', node: 'n1', agent: 'A@1' },
      ],
    },
  },
  {
    name: 'moves a failing agent to another node that has its code',
    given: { nodes: [node('n1'), node('n2')], agents: agents(['A@1', 'B@1']), current: [{ node: 'n1', agent: 'A@1', health: 'failing' }, ...running('n2', 'B@1')] },
    then: {
      commands: [
        { kind: 'stop', node: 'n1', agent: 'A@1' },
        { kind: 'start', node: 'n2', agent: 'A@1' },
      ],
    },
  },
  {
    name: 'keeps a failing agent where it is when no other node can run it',
    given: { nodes: [node('n1'), node('n2', { capabilities: ['B@1'] })], agents: agents(['A@1']), current: [{ node: 'n1', agent: 'A@1', health: 'failing' }] },
    then: { commands: [] },
  },
  {
    name: 'leaves an agent stopped on an event error in place: every node would meet the same event',
    given: { nodes: [node('n1'), node('n2')], agents: agents(['A@1', 'B@1']), current: [{ node: 'n1', agent: 'A@1', health: 'error' }, ...running('n2', 'B@1')] },
    then: { commands: [] },
  },
  {
    name: 'hands agents to a node that joined, a few per plan',
    given: { nodes: [node('n1'), node('n2'), node('n3')], agents: agents(SIX), current: [...running('n1', 'A@1', 'B@1', 'C@1'), ...running('n2', 'D@1', 'E@1', 'F@1')] },
    then: {
      commands: [
        { kind: 'stop', node: 'n1', agent: 'A@1' },
        { kind: 'start', node: 'n3', agent: 'A@1' },
        { kind: 'stop', node: 'n2', agent: 'D@1' },
        { kind: 'start', node: 'n3', agent: 'D@1' },
      ],
    },
  },
  {
    name: 'moves nothing to a flapping node (not settled) but still gives it agents running nowhere',
    given: {
      nodes: [node('n1'), node('n2', { settled: false })],
      agents: agents(['A@1', 'B@1', 'C@1', 'D@1']),
      current: running('n1', 'A@1', 'B@1', 'C@1'),
    },
    then: { commands: [{ kind: 'start', node: 'n2', agent: 'D@1' }] },
  },
  {
    name: 'moves no agent that is still starting',
    given: { nodes: [node('n1'), node('n2')], agents: agents(['A@1', 'B@1']), current: [{ node: 'n1', agent: 'A@1', health: 'starting' }, { node: 'n1', agent: 'B@1', health: 'starting' }] },
    then: { commands: [] },
  },
  {
    name: 'moves no agent that is rebuilding: the move would cancel its rebuild',
    given: { nodes: [node('n1'), node('n2')], agents: agents(['A@1', 'B@1']), current: [{ node: 'n1', agent: 'A@1', health: 'rebuilding' }, { node: 'n1', agent: 'B@1', health: 'rebuilding' }] },
    then: { commands: [] },
  },
  {
    name: 'stops agents that are no longer wanted',
    given: { nodes: [node('n1')], agents: agents(['A@1']), current: running('n1', 'A@1', 'Gone@1') },
    then: { commands: [{ kind: 'stop', node: 'n1', agent: 'Gone@1' }] },
  },
  {
    name: 'starts nothing when no node is alive',
    given: { nodes: [node('n1', { alive: false })], agents: agents(SIX), current: running('n1', 'A@1') },
    then: { commands: [] },
  },
];

describe('plan', () => {
  it.each(cases)('$name', ({ given, then }) => {
    const commands = plan(given.nodes, given.agents, given.current, given.options);
    if (then.commands) expect(commands).toEqual(then.commands);
    const placement = after(given.current.filter((p) => given.nodes.find((n) => n.id === p.node)?.alive), commands);
    if (then.placement) expect(placement).toEqual(then.placement);
    if (then.counts) expect(Object.fromEntries(Object.entries(placement).map(([n, a]) => [n, a.length]))).toEqual(then.counts);
  });

  it('reaches an even spread from any start in a few plans, and then stays put', () => {
    const nodes = [node('n1'), node('n2'), node('n3')];
    let current: Placement[] = running('n1', ...SIX);
    for (let round = 0; round < 5; round++) {
      const placement = after(current, plan(nodes, agents(SIX), current));
      current = Object.entries(placement).flatMap(([n, keys]) => running(n, ...keys));
    }
    expect(plan(nodes, agents(SIX), current)).toEqual([]);
    expect(current.filter((p) => p.node === 'n1')).toHaveLength(2);
    expect(new Set(current.map((p) => p.agent)).size).toBe(6);
  });
});
