import { awaitsWorker, RebuildRun, RebuildWorkerPhase } from './rebuild-run';
import { handle, RebuildCommand, RebuildRejected } from './rebuild-state-machine';

/** given: the commands already handled; when: one more at `now`; then: the resulting run. */
function given(...commands: [RebuildCommand, number][]): RebuildRun | undefined {
  let run: RebuildRun | undefined;
  for (const [command, at] of commands) run = handle(run, command, at).run;
  return run;
}

const request: RebuildCommand = { kind: 'Request', id: 'r-1', projection: 'CarView', mode: 'online' };
const dispatch: RebuildCommand = { kind: 'Dispatch' };
const started: RebuildCommand = { kind: 'WorkerStarted', worker: 'w-1' };
const progress = (phase: RebuildWorkerPhase | undefined, distanceToHead: number | null = null, worker = 'w-1'): RebuildCommand => ({
  kind: 'Progress',
  worker,
  phase,
  progress: { processed: 40, total: 100, eventsPerSecond: 50, etaMs: 1000, distanceToHead },
});
const completed = (switchPauseMs: number): RebuildCommand => ({
  kind: 'WorkerCompleted',
  worker: 'w-1',
  progress: { processed: 100, total: 100, eventsPerSecond: 80, etaMs: 0, switchPauseMs },
});

describe('RebuildStateMachine, online runs', () => {
  it('runs Requested → Building → CatchingUp → Switching → Completed, with every phase and its time', () => {
    const run = given(
      [request, 1000],
      [dispatch, 1010],
      [started, 1100],
      [progress('building', 60), 1200],
      [progress('catching-up', 3), 1300],
      [progress('switching'), 1400],
      [completed(20), 1450],
    );
    expect(run).toMatchObject({ mode: 'online', phase: 'Completed', worker: 'w-1', leaseExpiresAt: null, progress: { processed: 100, switchPauseMs: 20 } });
    expect(run?.history).toEqual([
      { phase: 'Requested', at: 1000 },
      { phase: 'Building', at: 1010 },
      { phase: 'CatchingUp', at: 1300 },
      { phase: 'Switching', at: 1400 },
      { phase: 'Completed', at: 1450 },
    ]);
  });

  it('enters Building on dispatch with no worker, which the coordinator keeps asking for until one starts it', () => {
    const building = given([request, 0], [dispatch, 1]);
    expect(building).toMatchObject({ phase: 'Building', worker: null, leaseExpiresAt: null });
    expect(awaitsWorker(building as RebuildRun)).toBe(true);
    const taken = handle(building, started, 2);
    expect(taken.run).toMatchObject({ phase: 'Building', worker: 'w-1', leaseExpiresAt: 10_002 });
    expect(taken.run.history.map((h) => h.phase)).toEqual(['Requested', 'Building']);
    expect(awaitsWorker(taken.run)).toBe(false);
    expect(() => handle(taken.run, { kind: 'WorkerStarted', worker: 'w-2' }, 3)).toThrow(/runs on w-1/);
  });

  it('records the distance to head with the progress, and never moves a phase back', () => {
    const catchingUp = given([request, 0], [dispatch, 0], [started, 1], [progress('catching-up', 7), 2]);
    expect(catchingUp).toMatchObject({ phase: 'CatchingUp', progress: { distanceToHead: 7 } });
    const late = handle(catchingUp, progress('building', 9), 3);
    expect(late.run).toMatchObject({ phase: 'CatchingUp', progress: { distanceToHead: 9 } });
    expect(late.transitions.filter((t) => t.kind === 'Entered')).toEqual([]);
    expect(handle(catchingUp, progress(undefined), 3).run.phase).toBe('CatchingUp');
  });

  it('enters Switching when the completion comes before any report of the switch, dated by the pause', () => {
    const run = given([request, 0], [dispatch, 0], [started, 100], [progress('building', 5), 200], [completed(30), 1_000]);
    expect(run?.history).toEqual([
      { phase: 'Requested', at: 0 },
      { phase: 'Building', at: 0 },
      { phase: 'Switching', at: 970 },
      { phase: 'Completed', at: 1_000 },
    ]);
  });

  it("lets a worker's first progress take the run when its start report was lost", () => {
    const run = given([request, 0], [dispatch, 0], [progress('building', 5), 10]);
    expect(run).toMatchObject({ phase: 'Building', worker: 'w-1', leaseExpiresAt: 10_010 });
  });

  it('fails through the lease, and is cancelled, as a blocking run is', () => {
    const building = given([request, 0], [dispatch, 0], [started, 1_000]);
    expect(handle(building, { kind: 'CheckLease' }, 10_999).transitions).toEqual([]);
    expect(handle(building, { kind: 'CheckLease' }, 11_000).run).toMatchObject({ phase: 'Failed', failure: { reason: expect.stringContaining('w-1 stopped renewing') } });
    expect(handle(building, { kind: 'Cancel' }, 2_000).run).toMatchObject({ phase: 'Cancelled', leaseExpiresAt: null });
    const failed = handle(building, { kind: 'WorkerFailed', worker: 'w-1', failure: { reason: 'boom', eventPosition: 4 } }, 3).run;
    expect(failed).toMatchObject({ phase: 'Failed', failure: { reason: 'boom', eventPosition: 4 } });
  });

  it.each<[string, RebuildCommand]>([
    ['progress before the coordinator dispatched it', progress('building')],
    ['a completion before the coordinator dispatched it', completed(1)],
    ['a restart, which an online run has none of', { kind: 'Restarted', worker: 'w-1' }],
  ])('rejects %s', (_, command) => {
    expect(() => handle(given([request, 0]), command, 1)).toThrow(RebuildRejected);
  });

  it('keeps a blocking run asking for a worker only while Stopping', () => {
    const blocking = given([{ ...request, mode: 'blocking' } as RebuildCommand, 0], [dispatch, 0]) as RebuildRun;
    expect(blocking.phase).toBe('Stopping');
    expect(awaitsWorker(blocking)).toBe(true);
    expect(awaitsWorker(handle(blocking, started, 1).run)).toBe(false);
  });
});
