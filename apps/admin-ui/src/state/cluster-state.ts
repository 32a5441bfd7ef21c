import { FINAL_PHASES, NodeItem, ProjectionItem, RebuildRunItem } from '../api/admin-types';
import type { StreamMessage } from '../api/sse-parser';

/** One point of a projection's chart. */
export interface Sample {
  readonly at: number;
  readonly lagEvents: number;
  readonly eventsPerSecond: number;
}

export interface ClusterState {
  readonly projections: Readonly<Record<string, ProjectionItem>>;
  readonly rebuilds: Readonly<Record<string, RebuildRunItem>>;
  readonly nodes: Readonly<Record<string, NodeItem>>;
  readonly samples: Readonly<Record<string, readonly Sample[]>>;
  /** False until the first whole state has arrived: screens show "loading", not "nothing". */
  readonly loaded: boolean;
}

export type ClusterAction =
  | { readonly type: 'messages'; readonly messages: readonly StreamMessage[] }
  | { readonly type: 'nodes'; readonly nodes: readonly NodeItem[] }
  | { readonly type: 'rebuild'; readonly run: RebuildRunItem }
  | { readonly type: 'sample'; readonly at: number };

/** How far back the charts reach. */
export const SAMPLE_WINDOW_MS = 5 * 60_000;

export const EMPTY_CLUSTER: ClusterState = { projections: {}, rebuilds: {}, nodes: {}, samples: {}, loaded: false };

/** Pure: the cluster as the UI knows it after one more piece of news. */
export function clusterReducer(state: ClusterState, action: ClusterAction): ClusterState {
  switch (action.type) {
    case 'messages':
      return action.messages.reduce(applyMessage, { ...state, loaded: true });
    case 'nodes':
      return { ...state, nodes: Object.fromEntries(action.nodes.map((n) => [n.nodeId, n])) };
    case 'rebuild':
      return { ...state, rebuilds: { ...state.rebuilds, [action.run.id]: newer(state.rebuilds[action.run.id], action.run) } };
    case 'sample':
      return { ...state, samples: sampleAll(state, action.at) };
  }
}

function applyMessage(state: ClusterState, message: StreamMessage): ClusterState {
  switch (message.event) {
    case 'projection': {
      const item = message.data as ProjectionItem;
      return { ...state, projections: { ...state.projections, [item.name]: item } };
    }
    case 'rebuild': {
      const run = message.data as RebuildRunItem;
      return { ...state, rebuilds: { ...state.rebuilds, [run.id]: newer(state.rebuilds[run.id], run) } };
    }
    case 'node': {
      const node = message.data as NodeItem;
      return { ...state, nodes: { ...state.nodes, [node.nodeId]: node } };
    }
    default:
      return state;
  }
}

/** A run's history only grows: of two copies (stream and a direct read) keep the one that knows more. */
function newer(known: RebuildRunItem | undefined, incoming: RebuildRunItem): RebuildRunItem {
  if (!known) return incoming;
  if (incoming.history.length !== known.history.length) return incoming.history.length > known.history.length ? incoming : known;
  return (incoming.progress?.processed ?? -1) >= (known.progress?.processed ?? -1) ? incoming : known;
}

function sampleAll(state: ClusterState, at: number): Record<string, readonly Sample[]> {
  const samples: Record<string, readonly Sample[]> = {};
  for (const p of Object.values(state.projections)) {
    const kept = (state.samples[p.name] ?? []).filter((s) => s.at > at - SAMPLE_WINDOW_MS);
    samples[p.name] = [...kept, { at, lagEvents: p.lagEvents, eventsPerSecond: p.eventsPerSecond }];
  }
  return samples;
}

export const isRunActive = (run: RebuildRunItem) => !FINAL_PHASES.includes(run.phase);

/** Newest first. */
export function sortedRuns(state: ClusterState): RebuildRunItem[] {
  return Object.values(state.rebuilds).sort((a, b) => b.requestedAt - a.requestedAt);
}

export function sortedProjections(state: ClusterState): ProjectionItem[] {
  return Object.values(state.projections).sort((a, b) => a.name.localeCompare(b.name));
}

/** Gateways first, then coordinators, then workers; by id within a role. */
export function sortedNodes(state: ClusterState): NodeItem[] {
  const order = ['gateway', 'coordinator', 'projector-worker'];
  const rank = (n: NodeItem) => (order.indexOf(n.app) + order.length + 1) % (order.length + 1);
  return Object.values(state.nodes).sort((a, b) => rank(a) - rank(b) || a.nodeId.localeCompare(b.nodeId));
}

/**
 * The blocking run that holds writes at the gateways, if any: the gateways hold writes from the
 * moment a blocking run is requested until it reaches a final phase.
 */
export function writeHoldingRun(state: ClusterState): RebuildRunItem | undefined {
  return sortedRuns(state).find((run) => run.mode === 'blocking' && isRunActive(run));
}

export function activeRunFor(state: ClusterState, projection: string): RebuildRunItem | undefined {
  return sortedRuns(state).find((run) => run.projection === projection && isRunActive(run));
}
