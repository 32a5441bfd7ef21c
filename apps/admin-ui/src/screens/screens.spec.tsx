import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { AdminApi, Fetch } from '../api/admin-api';
import { GuardBanner } from '../components/GuardBanner';
import { formatDuration } from '../logic/format';
import { clusterReducer, ClusterState, EMPTY_CLUSTER, writeHoldingRun } from '../state/cluster-state';
import { node, projection, run } from '../testing/fixtures';
import { LoginScreen } from './LoginScreen';
import { describeWork, NodesScreen } from './NodesScreen';
import { ProjectionsScreen } from './ProjectionsScreen';
import { ReactorsScreen } from './ReactorsScreen';
import { RebuildsScreen } from './RebuildsScreen';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

/** Records every call and answers from a table of (method path) → response. */
function fakeFetch(answers: Record<string, () => Response>) {
  const calls: { method: string; path: string; body: unknown; auth: string | null }[] = [];
  const impl: Fetch = async (input, init = {}) => {
    const method = init.method ?? 'GET';
    const headers = new Headers(init.headers);
    calls.push({ method, path: input, body: init.body ? JSON.parse(String(init.body)) : undefined, auth: headers.get('authorization') });
    const answer = answers[`${method} ${input}`];
    return answer ? answer() : json(404, { error: 'NOT_FOUND' });
  };
  return { impl, calls };
}

const withItems = (...messages: { event: string; data: unknown }[]): ClusterState => clusterReducer(EMPTY_CLUSTER, { type: 'messages', messages });

describe('ProjectionsScreen', () => {
  it('lists every projection with its state, owner, position/head, lag and rate', () => {
    render(<ProjectionsScreen state={withItems({ event: 'projection', data: projection() }, { event: 'projection', data: projection({ name: 'ActiveProject', state: 'paused' }) })} now={0} />);
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getByRole('rowheader').textContent)).toEqual(['ActiveProject v1 · async', 'CarView v1 · async']);
    const car = rows[1];
    expect(within(car).getByText('running')).toBeTruthy();
    expect(car.textContent).toContain('wk-1');
    expect(car.textContent).toContain('900 / 1,000');
    expect(car.textContent).toContain('100 events · 40 ms');
    expect(car.textContent).toContain('2,500 ev/s');
  });

  it('marks a rebuilding projection and shows the run progress bar', () => {
    render(<ProjectionsScreen state={withItems({ event: 'projection', data: projection() }, { event: 'rebuild', data: run() })} now={1_600} />);
    expect(screen.getByText('rebuilding')).toBeTruthy();
    const bar = screen.getByRole('progressbar', { name: 'Rebuild of CarView' });
    expect(bar.getAttribute('aria-valuenow')).toBe('25');
    expect(bar.getAttribute('aria-valuetext')).toBe('Rebuilding: 25 % (250 of 1,000 events)');
    expect(screen.getByText('500 ev/s')).toBeTruthy();
    expect(screen.getByText('1.5 s')).toBeTruthy();
  });

  it('says which version readers read and which is being built while a new version rolls out', () => {
    const versions = [
      { version: 1, role: 'live' as const, state: 'running' as const, ownerNode: 'wk-1', position: 900, lagEvents: 100 },
      { version: 2, role: 'building' as const, state: 'running' as const, ownerNode: 'wk-2', position: 400, lagEvents: 600 },
    ];
    render(<ProjectionsScreen state={withItems({ event: 'projection', data: projection({ versions }) })} now={0} />);
    const items = within(screen.getByTestId('projection-versions')).getAllByRole('listitem');
    expect(items.map((i) => i.textContent)).toEqual(['v1 live · wk-1', 'v2 building · 600 events behind · wk-2']);
  });

  it('shows no version list while a projection has one version', () => {
    render(<ProjectionsScreen state={withItems({ event: 'projection', data: projection({ versions: [{ version: 1, role: 'live', state: 'running', ownerNode: 'wk-1', position: 900, lagEvents: 100 }] }) })} now={0} />);
    expect(screen.queryByTestId('projection-versions')).toBeNull();
  });

  it('shows a stopped projection error as an alert with its event position', () => {
    render(<ProjectionsScreen state={withItems({ event: 'projection', data: projection({ state: 'error', error: { message: 'handler threw', eventPosition: 42 } }) })} now={0} />);
    expect(screen.getByRole('alert').textContent).toBe('CarView stopped on an error: handler threw (event at position 42)');
  });

  it('names the session whose open transaction holds the feed back, in a banner above the projections', () => {
    const heldBack = {
      horizon: 1781,
      firstWaitingPosition: 901,
      since: '2026-12-01T10:00:00.000Z',
      heldBackMs: 42_000,
      holder: { pid: 4242, applicationName: 'stuck-report', state: 'idle in transaction', transactionAgeMs: 185_000, query: 'SELECT 1 FROM cars FOR SHARE' },
    };
    render(<ProjectionsScreen state={withItems({ event: 'projection', data: projection({ heldBack }) }, { event: 'projection', data: projection({ name: 'ActiveProject', heldBack }) })} now={0} />);
    const banner = screen.getByTestId('held-back-banner');
    expect(banner.getAttribute('role')).toBe('alert');
    expect(banner.textContent).toContain('The feed has been held back for 42.0 s');
    expect(banner.textContent).toContain('pid 4242');
    expect(banner.textContent).toContain("application 'stuck-report'");
    expect(banner.textContent).toContain('idle in transaction, transaction open 3 min 05 s');
    expect(banner.textContent).toContain('ActiveProject, CarView wait');
    expect(banner.textContent).toContain('SELECT pg_terminate_backend(4242)');
  });

  it('shows no banner for a hold-back of a moment, which every write causes until it commits', () => {
    const brief = { horizon: 9, firstWaitingPosition: 901, since: '2026-12-01T10:00:00.000Z', heldBackMs: 40, holder: null };
    render(<ProjectionsScreen state={withItems({ event: 'projection', data: projection({ heldBack: brief }) })} now={0} />);
    expect(screen.queryByTestId('held-back-banner')).toBeNull();
  });

  it('says when it is still loading', () => {
    render(<ProjectionsScreen state={EMPTY_CLUSTER} now={0} />);
    expect(screen.getByText(/Loading/)).toBeTruthy();
  });
});

describe('RebuildsScreen', () => {
  const state = withItems({ event: 'projection', data: projection() }, { event: 'projection', data: projection({ name: 'ActiveProject' }) });

  it('starts a rebuild only after a confirmation, with the token in the header', async () => {
    const { impl, calls } = fakeFetch({
      'POST /api/admin/projections/CarView/rebuilds': () => json(202, { rebuildId: 'r-9' }),
      'GET /api/admin/rebuilds/r-9': () => json(200, run({ id: 'r-9', phase: 'Requested', history: [{ phase: 'Requested', at: 1 }] })),
    });
    const dispatch = jest.fn();
    render(<RebuildsScreen api={new AdminApi('tok', impl)} state={state} dispatch={dispatch} now={0} />);
    fireEvent.change(screen.getByLabelText('Projection'), { target: { value: 'CarView' } });
    fireEvent.click(screen.getByRole('button', { name: 'Rebuild…' }));
    expect(calls).toHaveLength(0);
    const dialog = screen.getByRole('alertdialog', { name: 'Rebuild CarView?' });
    const confirm = within(dialog).getByRole('button', { name: 'Yes, rebuild CarView' });
    expect(document.activeElement).toBe(confirm);
    await act(async () => fireEvent.click(confirm));
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('Rebuild of CarView requested (r-9)'));
    expect(calls[0]).toEqual({ method: 'POST', path: '/api/admin/projections/CarView/rebuilds', body: { mode: 'blocking' }, auth: 'Bearer tok' });
    await waitFor(() => expect(dispatch).toHaveBeenCalledWith({ type: 'rebuild', run: expect.objectContaining({ id: 'r-9' }) }));
  });

  it('says where a running online rebuild lost its worker and who resumed it from its checkpoint', () => {
    const resumed = run({
      mode: 'online',
      phase: 'Building',
      worker: 'wk-2',
      resumes: [
        { phase: 'Building', lostWorker: 'wk-1', lostAt: Date.UTC(2026, 11, 3, 4, 0, 0), processedAtLoss: 120_000, resumedBy: 'wk-2', resumedAt: Date.UTC(2026, 11, 3, 4, 0, 9) },
        { phase: 'Switching', lostWorker: 'wk-2', lostAt: Date.UTC(2026, 11, 3, 4, 1, 0), processedAtLoss: null, resumedBy: null, resumedAt: null },
      ],
    });
    render(<RebuildsScreen api={new AdminApi('tok', fakeFetch({}).impl)} state={withItems({ event: 'projection', data: projection() }, { event: 'rebuild', data: resumed })} dispatch={jest.fn()} now={0} />);
    const items = within(screen.getByTestId('run-resumes')).getAllByRole('listitem');
    expect(items.map((i) => i.textContent)).toEqual([
      'wk-1 lost at 2026-12-03 04:00:00 UTC while Building (120,000 events done) · resumed by wk-2 from its checkpoint',
      'wk-2 lost at 2026-12-03 04:01:00 UTC while Switching · waiting for a worker to resume it',
    ]);
  });

  it('shows each partition of a partitioned run with its worker and progress', () => {
    const split = run({
      mode: 'online',
      phase: 'Building',
      worker: 'wk-1',
      partitions: [
        { index: 0, worker: 'wk-2', progress: { processed: 1_500, total: 3_000 }, done: false, losses: 1 },
        { index: 1, worker: 'wk-1', progress: { processed: 2_900, total: 2_900 }, done: true, losses: 0 },
        { index: 2, worker: null, progress: null, done: false, losses: 0 },
      ],
    });
    render(<RebuildsScreen api={new AdminApi('tok', fakeFetch({}).impl)} state={withItems({ event: 'projection', data: projection() }, { event: 'rebuild', data: split })} dispatch={jest.fn()} now={0} />);
    const items = within(screen.getByTestId('run-partitions')).getAllByRole('listitem');
    expect(items.map((i) => i.textContent)).toEqual([
      'Partition 1/3 on wk-2 · 1,500 / 3,000 events · 1 worker lost, resumed from its checkpoint',
      'Partition 2/3 on wk-1 · 2,900 / 2,900 events · built',
      'Partition 3/3 · waiting for a worker',
    ]);
  });

  it('starts an online rebuild when that mode is chosen, saying that writes go on', async () => {
    const { impl, calls } = fakeFetch({ 'POST /api/admin/projections/CarView/rebuilds': () => json(202, { rebuildId: 'r-8' }) });
    render(<RebuildsScreen api={new AdminApi('tok', impl)} state={state} dispatch={jest.fn()} now={0} />);
    fireEvent.change(screen.getByLabelText('Projection'), { target: { value: 'CarView' } });
    fireEvent.click(screen.getByRole('radio', { name: 'Online (writes go on; the projection pauses only for the switch)' }));
    fireEvent.click(screen.getByRole('button', { name: 'Rebuild…' }));
    expect(screen.getByRole('alertdialog').textContent).toContain('while writes and reads go on');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Yes, rebuild CarView' })));
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('Online rebuild of CarView requested (r-8)'));
    expect(calls[0]).toMatchObject({ method: 'POST', body: { mode: 'online' } });
  });

  it('shows the phases of an online run, its distance to head while catching up, then its switch pause', () => {
    const history = [
      { phase: 'Requested', at: 1_000 },
      { phase: 'Building', at: 1_010 },
      { phase: 'CatchingUp', at: 3_000 },
    ] as const;
    const catchingUp = run({ mode: 'online', phase: 'CatchingUp', progress: { processed: 900, total: 1000, eventsPerSecond: 500, etaMs: 200, distanceToHead: 1234 }, history });
    const { rerender } = render(<RebuildsScreen api={new AdminApi('tok', fakeFetch({}).impl)} state={withItems({ event: 'rebuild', data: catchingUp })} dispatch={jest.fn()} now={3_500} />);
    const steps = within(screen.getByRole('list', { name: 'Phases of the online rebuild of CarView' })).getAllByRole('listitem');
    expect(steps.map((s) => s.textContent)).toEqual(['Building (done)', 'Catching up (current)', 'Switching (to come)', 'Completed (to come)']);
    expect(steps[1].getAttribute('aria-current')).toBe('step');
    expect(screen.getByTestId('rebuild-phase').textContent).toBe('CatchingUp');
    expect(screen.getByTestId('distance-to-head').textContent).toBe('1,234 events');

    const completed = run({
      ...catchingUp,
      phase: 'Completed',
      progress: { processed: 1000, total: 1000, eventsPerSecond: 500, etaMs: 0, switchPauseMs: 42 },
      history: [...history, { phase: 'Switching', at: 4_000 }, { phase: 'Completed', at: 4_042 }],
    });
    rerender(<RebuildsScreen api={new AdminApi('tok', fakeFetch({}).impl)} state={withItems({ event: 'rebuild', data: completed })} dispatch={jest.fn()} now={5_000} />);
    const done = within(screen.getByRole('list', { name: 'Phases of the online rebuild of CarView' })).getAllByRole('listitem');
    expect(done.map((s) => s.textContent)).toEqual(['Building (done)', 'Catching up (done)', 'Switching (done)', 'Completed (done)']);
    expect(screen.queryByTestId('distance-to-head')).toBeNull();
    expect(screen.getByTestId('switch-pause').textContent).toBe(formatDuration(42));
  });

  it('rolls a completed online rebuild back after a confirmation, and says when no previous table is kept', async () => {
    const completed = run({ mode: 'online', phase: 'Completed', progress: { processed: 1000, total: 1000, eventsPerSecond: 500, etaMs: 0 }, history: [...run().history, { phase: 'Completed', at: 4_000 }] });
    let answer = () => json(200, { projection: 'CarView', worker: 'wk-1', pauseMs: 5 });
    const { impl, calls } = fakeFetch({ 'POST /api/admin/projections/CarView/rollback': () => answer() });
    render(<RebuildsScreen api={new AdminApi('tok', impl)} state={withItems({ event: 'rebuild', data: completed })} dispatch={jest.fn()} now={5_000} />);
    fireEvent.click(screen.getByRole('button', { name: 'Roll CarView back' }));
    expect(calls).toHaveLength(0);
    const confirm = within(screen.getByRole('alertdialog', { name: 'Roll CarView back?' })).getByRole('button', { name: 'Yes, roll back CarView' });
    expect(document.activeElement).toBe(confirm);
    await act(async () => fireEvent.click(confirm));
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('CarView rolled back to the table this rebuild replaced (paused 5 ms)'));
    expect(calls[0]).toMatchObject({ method: 'POST', path: '/api/admin/projections/CarView/rollback', auth: 'Bearer tok' });

    answer = () => json(409, { statusCode: 409, error: 'NO_PREVIOUS_TABLE', message: 'none kept' });
    fireEvent.click(screen.getByRole('button', { name: 'Roll CarView back' }));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Yes, roll back CarView' })));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('No previous table of CarView is kept any more'));
  });

  it('offers no rollback after a blocking rebuild', () => {
    const completed = run({ phase: 'Completed', history: [...run().history, { phase: 'Completed', at: 4_000 }] });
    render(<RebuildsScreen api={new AdminApi('tok', fakeFetch({}).impl)} state={withItems({ event: 'rebuild', data: completed })} dispatch={jest.fn()} now={5_000} />);
    expect(screen.queryByRole('button', { name: 'Roll CarView back' })).toBeNull();
  });

  it('keeps it as it is when the confirmation is declined', () => {
    const { impl, calls } = fakeFetch({});
    render(<RebuildsScreen api={new AdminApi('tok', impl)} state={state} dispatch={jest.fn()} now={0} />);
    fireEvent.click(screen.getByRole('button', { name: 'Rebuild…' }));
    fireEvent.click(screen.getByRole('button', { name: 'Keep it as it is' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(calls).toHaveLength(0);
  });

  it('shows the last run at 100 % once it has completed', () => {
    const done = run({ phase: 'Completed', progress: { processed: 990, total: 1000, eventsPerSecond: 9, etaMs: 5 }, history: [...run().history, { phase: 'Completed', at: 4_000 }] });
    render(<RebuildsScreen api={new AdminApi('tok', fakeFetch({}).impl)} state={withItems({ event: 'rebuild', data: done })} dispatch={jest.fn()} now={9_000} />);
    expect(screen.getByText('No rebuild is running.')).toBeTruthy();
    expect(screen.getByRole('progressbar').getAttribute('aria-valuetext')).toBe('Completed: 100 % (1,000 of 1,000 events)');
  });

  it('starts an online rebuild in partitions, and shows why a projection cannot be split', async () => {
    const { impl, calls } = fakeFetch({
      'POST /api/admin/projections/CarView/rebuilds': () => json(202, { rebuildId: 'r-9' }),
      'POST /api/admin/projections/ActiveProject/rebuilds': () => json(409, { error: 'NOT_SINGLE_STREAM', message: 'ActiveProject is not a single-stream projection' }),
    });
    render(<RebuildsScreen api={new AdminApi('tok', impl)} state={state} dispatch={jest.fn()} now={0} />);
    expect(screen.queryByLabelText(/Partitions/)).toBeNull();
    fireEvent.click(screen.getByRole('radio', { name: 'Online (writes go on; the projection pauses only for the switch)' }));
    fireEvent.change(screen.getByLabelText(/Partitions/), { target: { value: '3' } });
    fireEvent.change(screen.getByLabelText('Projection'), { target: { value: 'CarView' } });
    fireEvent.click(screen.getByRole('button', { name: 'Rebuild…' }));
    expect(screen.getByRole('alertdialog').textContent).toContain('in 3 partitions spread over the workers');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Yes, rebuild CarView' })));
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('Online rebuild in 3 partitions of CarView requested (r-9)'));
    expect(calls[0]).toMatchObject({ method: 'POST', body: { mode: 'online', partitions: 3 } });

    fireEvent.change(screen.getByLabelText('Projection'), { target: { value: 'ActiveProject' } });
    fireEvent.click(screen.getByRole('button', { name: 'Rebuild…' }));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Yes, rebuild ActiveProject' })));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('not a single-stream projection'));
  });

  it('names the running rebuild on a 409', async () => {
    const { impl } = fakeFetch({ 'POST /api/admin/projections/ActiveProject/rebuilds': () => json(409, { error: 'REBUILD_RUNNING', rebuildId: 'r-1' }) });
    render(<RebuildsScreen api={new AdminApi('tok', impl)} state={state} dispatch={jest.fn()} now={0} />);
    fireEvent.click(screen.getByRole('button', { name: 'Rebuild…' }));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Yes, rebuild ActiveProject' })));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('A rebuild of ActiveProject is already running (r-1).'));
  });

  it('follows a running run with a cancel button and lists finished runs with durations and errors', async () => {
    const { impl, calls } = fakeFetch({ 'DELETE /api/admin/rebuilds/run-1': () => json(202, { rebuildId: 'run-1', cancelling: true }) });
    const failed = run({
      id: 'run-0',
      requestedAt: 500,
      phase: 'Failed',
      failure: { reason: 'worker wk-2 stopped renewing its lease', eventPosition: 1234 },
      history: [
        { phase: 'Requested', at: 500 },
        { phase: 'Rebuilding', at: 600 },
        { phase: 'Failed', at: 10_600 },
      ],
    });
    const s = withItems({ event: 'projection', data: projection() }, { event: 'rebuild', data: run() }, { event: 'rebuild', data: failed });
    render(<RebuildsScreen api={new AdminApi('tok', impl)} state={s} dispatch={jest.fn()} now={2_000} />);
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('25');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Cancel the rebuild of CarView' })));
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(['DELETE /api/admin/rebuilds/run-1']);
    const history = screen.getByRole('table');
    expect(history.querySelector('[data-state="Failed"]')).not.toBeNull();
    expect(within(history).getByText('10.1 s')).toBeTruthy();
    expect(screen.getByTestId('run-failure').textContent).toBe('worker wk-2 stopped renewing its lease (event at position 1234)');
  });
});

describe('GuardBanner', () => {
  it('appears while a blocking run holds writes and disappears when it ends', () => {
    const holding = withItems({ event: 'rebuild', data: run() });
    const { rerender } = render(<GuardBanner run={writeHoldingRun(holding)} />);
    expect(screen.getByTestId('guard-banner').textContent).toContain('Writes are held while CarView is rebuilt (Rebuilding, 25 %)');
    rerender(<GuardBanner run={writeHoldingRun(clusterReducer(holding, { type: 'rebuild', run: run({ phase: 'Completed', history: [...run().history, { phase: 'Completed', at: 9 }] }) }))} />);
  });
});

describe('NodesScreen', () => {
  it('shows every node with role, status, heartbeat age and what it runs', () => {
    const state = clusterReducer(EMPTY_CLUSTER, {
      type: 'nodes',
      nodes: [node(), node({ nodeId: 'co-1', app: 'coordinator', role: 'leader', status: 'late', details: { broker: 'connected', sharedState: 'redis' } })],
    });
    render(<NodesScreen state={state} now={Date.parse('2026-12-01T10:00:10.000Z')} />);
    const [co, wk] = screen.getAllByRole('row').slice(1);
    expect(co.textContent).toContain('leads the rebuilds (broker connected, state from redis)');
    expect(within(co).getByText('late')).toBeTruthy();
    expect(wk.textContent).toContain('daemon: CarView, CustomerView');
    expect(wk.textContent).toContain('1.0 s ago');
  });

  it('lists the agents of a distributed worker with their health', () => {
    const agents = [
      { agent: 'CarView@2', health: 'running' },
      { agent: 'CustomerView@1', health: 'starting' },
    ];
    const state = clusterReducer(EMPTY_CLUSTER, { type: 'nodes', nodes: [node({ details: { distribution: 'distributed', broker: 'connected' }, agents })] });
    render(<NodesScreen state={state} now={Date.parse('2026-12-01T10:00:10.000Z')} />);
    const list = screen.getByRole('list', { name: /Agents on/ });
    expect(within(list).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['CarView@2 ● running', 'CustomerView@1 … starting']);
    expect(screen.getAllByRole('row')[1].textContent).toContain('2 agents (broker connected)');
  });

  it('describes a standby worker', () => {
    expect(describeWork(node({ role: 'standby', details: {} }))).toBe('standby, ready to take over');
    expect(describeWork(node({ status: 'down', details: { projections: ['CarView'] } }))).toBe('last reported: daemon: CarView');
  });
});

describe('LoginScreen', () => {
  it('checks the token against the gateway before keeping it', async () => {
    const { impl, calls } = fakeFetch({ 'GET /api/admin/projections': () => json(200, []) });
    const onLogin = jest.fn();
    render(<LoginScreen onLogin={onLogin} fetchImpl={impl} />);
    fireEvent.change(screen.getByLabelText('Admin token'), { target: { value: ' secret ' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Sign in' })));
    await waitFor(() => expect(onLogin).toHaveBeenCalledWith('secret'));
    expect(calls[0].auth).toBe('Bearer secret');
  });

  it('says so when the gateway refuses the token, and asks for one when empty', async () => {
    const { impl } = fakeFetch({ 'GET /api/admin/projections': () => json(401, { error: 'UNAUTHORIZED' }) });
    const onLogin = jest.fn();
    render(<LoginScreen onLogin={onLogin} fetchImpl={impl} />);
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.getByRole('alert').textContent).toContain('Enter the admin token');
    fireEvent.change(screen.getByLabelText('Admin token'), { target: { value: 'wrong' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Sign in' })));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('The gateway refused this token.'));
    expect(onLogin).not.toHaveBeenCalled();
  });
});

describe('ReactorsScreen', () => {
  it('lists each reactor with its state, node, position, lag and dead letters, with their errors', async () => {
    const reactor = { name: 'GroupCheckout', categories: ['group_checkout'], state: 'running', error: null, node: 'wk-2', position: 1234, lagEvents: 3, lagMs: 40, deadLetters: 1 };
    const letter = { eventPosition: 77, eventId: 'e-1', eventType: 'StaysSelected', streamId: 'group_checkout-g9', error: 'stay stream unreadable', attempts: 3, at: '2026-01-01T00:00:00Z' };
    const { impl } = fakeFetch({
      'GET /api/admin/reactors': () => json(200, [reactor]),
      'GET /api/admin/reactors/GroupCheckout/dead-letters': () => json(200, [letter]),
    });
    render(<ReactorsScreen api={new AdminApi('t', impl)} />);
    const row = await screen.findByRole('row', { name: /GroupCheckout/ });
    expect(within(row).getByText('running')).toBeTruthy();
    expect(row.textContent).toContain('wk-2');
    expect(row.textContent).toContain('1,234');
    expect(row.textContent).toContain('3 events · 40 ms');
    expect((await screen.findByRole('heading', { name: 'Dead letters of GroupCheckout' })).textContent).toBeTruthy();
    expect(screen.getByText('stay stream unreadable')).toBeTruthy();
    expect(screen.getByText(/StaysSelected at position 77 on group_checkout-g9, after 3 attempts/)).toBeTruthy();
  });

  it('says so when the reactors cannot be loaded', async () => {
    const { impl } = fakeFetch({ 'GET /api/admin/reactors': () => json(503, { error: 'UNAVAILABLE', message: 'database down' }) });
    render(<ReactorsScreen api={new AdminApi('t', impl)} />);
    expect((await screen.findByRole('alert')).textContent).toContain('database down');
  });
});
