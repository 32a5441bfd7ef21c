import { agentHealth, AgentHealthInput } from './agent-health';

const limits = { stuckAfterMs: 30_000, startWithinMs: 15_000 };
const given = (over: Partial<AgentHealthInput>): AgentHealthInput => ({ state: 'running', lagEvents: 0, heldBack: false, sinceProgressMs: 0, sinceClaimMs: 0, ...over });

describe('agentHealth', () => {
  it.each([
    ['running at the head, idle for long', given({ sinceProgressMs: 600_000 }), 'running'],
    ['behind and moving', given({ lagEvents: 500, sinceProgressMs: 1_000 }), 'running'],
    ['behind and not moving: stuck', given({ lagEvents: 500, sinceProgressMs: 31_000 }), 'failing'],
    ['behind only because the feed is held back', given({ lagEvents: 500, heldBack: true, sinceProgressMs: 31_000 }), 'running'],
    ['just claimed, not started yet', given({ state: 'stopped', sinceClaimMs: 2_000 }), 'starting'],
    ['claimed long ago and its start keeps failing', given({ state: 'stopped', sinceClaimMs: 16_000 }), 'failing'],
    ['stopped on an event it cannot apply', given({ state: 'error', sinceClaimMs: 60_000 }), 'error'],
    ['rebuilding, blocking', given({ state: 'rebuilding', lagEvents: 10_000, sinceProgressMs: 60_000 }), 'rebuilding'],
    ['rebuilding online beside its live agent', given({ rebuilding: true }), 'rebuilding'],
  ] as const)('%s', (_, input, expected) => {
    expect(agentHealth(input, limits)).toBe(expected);
  });
});
