import type { NodeItem, ProjectionItem, RebuildRunItem } from '../api/admin-types';

export function projection(overrides: Partial<ProjectionItem> = {}): ProjectionItem {
  return {
    name: 'CarView',
    version: 1,
    mode: 'async',
    state: 'running',
    error: null,
    ownerNode: 'wk-1',
    position: 900,
    head: 1000,
    lagEvents: 100,
    lagMs: 40,
    eventsPerSecond: 2500,
    rebuild: null,
    ...overrides,
  };
}

export function run(overrides: Partial<RebuildRunItem> = {}): RebuildRunItem {
  return {
    id: 'run-1',
    projection: 'CarView',
    mode: 'blocking',
    phase: 'Rebuilding',
    requestedAt: 1_000,
    worker: 'wk-1',
    leaseExpiresAt: 20_000,
    progress: { processed: 250, total: 1000, eventsPerSecond: 500, etaMs: 1500 },
    failure: null,
    history: [
      { phase: 'Requested', at: 1_000 },
      { phase: 'Stopping', at: 1_010 },
      { phase: 'Rebuilding', at: 1_100 },
    ],
    ...overrides,
  };
}

export function node(overrides: Partial<NodeItem> = {}): NodeItem {
  return {
    nodeId: 'wk-1',
    app: 'projector-worker',
    role: 'active',
    status: 'up',
    host: 'host-a',
    pid: 42,
    port: 3100,
    details: { projections: ['CarView', 'CustomerView'], broker: 'connected' },
    startedAt: '2026-12-01T10:00:00.000Z',
    heartbeatAt: '2026-12-01T10:00:09.000Z',
    stoppedAt: null,
    ...overrides,
  };
}
