import { node, projection, run } from '../testing/fixtures';
import { clusterReducer, EMPTY_CLUSTER, SAMPLE_WINDOW_MS, sortedNodes, sortedRuns, writeHoldingRun } from './cluster-state';

describe('clusterReducer', () => {
  it('applies the stream: the first batch loads the state, later ones replace items by key', () => {
    let state = clusterReducer(EMPTY_CLUSTER, {
      type: 'messages',
      messages: [
        { event: 'projection', data: projection() },
        { event: 'rebuild', data: run() },
        { event: 'node', data: node() },
        { event: 'unknown', data: {} },
      ],
    });
    expect(state.loaded).toBe(true);
    state = clusterReducer(state, { type: 'messages', messages: [{ event: 'projection', data: projection({ position: 1000 }) }] });
    expect(Object.keys(state.projections)).toEqual(['CarView']);
    expect(state.projections.CarView.position).toBe(1000);
    expect(state.nodes['wk-1'].role).toBe('active');
  });

  it('never goes back on a run: an older copy (fewer phases, less progress) does not replace a newer one', () => {
    const later = run({ phase: 'Completed', history: [...run().history, { phase: 'Restarting', at: 2000 }, { phase: 'Completed', at: 2100 }] });
    let state = clusterReducer(EMPTY_CLUSTER, { type: 'rebuild', run: later });
    state = clusterReducer(state, { type: 'messages', messages: [{ event: 'rebuild', data: run() }] });
    expect(state.rebuilds['run-1'].phase).toBe('Completed');
    state = clusterReducer(EMPTY_CLUSTER, { type: 'rebuild', run: run({ progress: { processed: 600, total: 1000, eventsPerSecond: 1, etaMs: 1 } }) });
    state = clusterReducer(state, { type: 'rebuild', run: run() });
    expect(state.rebuilds['run-1'].progress?.processed).toBe(600);
  });

  it('keeps chart samples for the last minutes only', () => {
    let state = clusterReducer(EMPTY_CLUSTER, { type: 'messages', messages: [{ event: 'projection', data: projection({ lagEvents: 5 }) }] });
    state = clusterReducer(state, { type: 'sample', at: 0 });
    state = clusterReducer(state, { type: 'sample', at: 1000 });
    expect(state.samples.CarView.map((s) => s.at)).toEqual([0, 1000]);
    state = clusterReducer(state, { type: 'sample', at: SAMPLE_WINDOW_MS + 500 });
    expect(state.samples.CarView.map((s) => s.at)).toEqual([1000, SAMPLE_WINDOW_MS + 500]);
    expect(state.samples.CarView[1].lagEvents).toBe(5);
  });
});

describe('selectors', () => {
  it('says writes are held exactly while a blocking run is not final', () => {
    const base = clusterReducer(EMPTY_CLUSTER, { type: 'rebuild', run: run({ id: 'old', phase: 'Failed', requestedAt: 1 }) });
    expect(writeHoldingRun(base)).toBeUndefined();
    for (const phase of ['Requested', 'Stopping', 'Rebuilding', 'Restarting'] as const) {
      expect(writeHoldingRun(clusterReducer(base, { type: 'rebuild', run: run({ phase }) }))?.id).toBe('run-1');
    }
    for (const phase of ['Completed', 'Cancelled'] as const) {
      expect(writeHoldingRun(clusterReducer(base, { type: 'rebuild', run: run({ phase }) }))).toBeUndefined();
    }
  });

  it('orders runs newest first and nodes by role', () => {
    let state = clusterReducer(EMPTY_CLUSTER, { type: 'rebuild', run: run({ id: 'a', requestedAt: 1 }) });
    state = clusterReducer(state, { type: 'rebuild', run: run({ id: 'b', requestedAt: 2 }) });
    expect(sortedRuns(state).map((r) => r.id)).toEqual(['b', 'a']);
    state = clusterReducer(state, {
      type: 'nodes',
      nodes: [node({ nodeId: 'wk-2' }), node({ nodeId: 'gw-1', app: 'gateway' }), node({ nodeId: 'co-1', app: 'coordinator' }), node({ nodeId: 'x', app: 'other' })],
    });
    expect(sortedNodes(state).map((n) => n.nodeId)).toEqual(['gw-1', 'co-1', 'wk-2', 'x']);
  });
});
