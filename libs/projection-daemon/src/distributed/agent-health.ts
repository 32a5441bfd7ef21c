import type { AgentHealth } from '@projectionist/cluster-nodes';
import type { ProjectionState } from '../storage/checkpoint-store';

export interface AgentHealthInput {
  readonly state: ProjectionState;
  /** Events committed but not applied. */
  readonly lagEvents: number;
  /** Behind only because an open transaction holds the feed back: waiting, not stuck. */
  readonly heldBack: boolean;
  /** Since the applied position last moved (or the agent started). */
  readonly sinceProgressMs: number;
  /** Since this node claimed the lease. */
  readonly sinceClaimMs: number;
  /** An online rebuild runs beside the live agent (whose state stays `running`). */
  readonly rebuilding?: boolean;
}

export interface AgentHealthLimits {
  /** Behind and not moving for this long: stuck. */
  readonly stuckAfterMs: number;
  /** Claimed but not running after this long (its start keeps failing): failing. */
  readonly startWithinMs: number;
}

/**
 * Pure: how an agent is doing, as its node reports it in the heartbeat. `failing` sends the agent
 * to another node; `error` (an event it cannot apply) stays for an operator, since every node
 * would stop on the same event.
 */
export function agentHealth(a: AgentHealthInput, limits: AgentHealthLimits): AgentHealth {
  if (a.state === 'error') return 'error';
  if (a.state === 'rebuilding' || a.rebuilding) return 'rebuilding';
  if (a.state !== 'running') return a.sinceClaimMs > limits.startWithinMs ? 'failing' : 'starting';
  const stuck = a.lagEvents > 0 && !a.heldBack && a.sinceProgressMs > limits.stuckAfterMs;
  return stuck ? 'failing' : 'running';
}
