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

  it('is cancelled, and fails on its worker\'s report, as a blocking run is', () => {
    const building = given([request, 0], [dispatch, 0], [started, 1_000]);
    expect(handle(building, { kind: 'Cancel' }, 2_000).run).toMatchObject({ phase: 'Cancelled', leaseExpiresAt: null });
    const failed = handle(building, { kind: 'WorkerFailed', worker: 'w-1', failure: { reason: 'boom', eventPosition: 4 } }, 3).run;
    expect(failed).toMatchObject({ phase: 'Failed', failure: { reason: 'boom', eventPosition: 4 } });
  });

  describe('when its worker stops renewing the lease', () => {
    const building = () => given([request, 0], [dispatch, 0], [started, 1_000], [progress('building', 60), 2_000]) as RebuildRun;

    it('loses the worker and waits, in its phase, for the next lease holder to resume it', () => {
      expect(handle(building(), { kind: 'CheckLease' }, 11_999).transitions).toEqual([]);
      const lost = handle(building(), { kind: 'CheckLease' }, 12_000);
      expect(lost.transitions).toEqual([{ kind: 'WorkerLost', at: 12_000, worker: 'w-1' }]);
      expect(lost.run).toMatchObject({ phase: 'Building', worker: null, leaseExpiresAt: null, failure: null, progress: { processed: 40 } });
      expect(lost.run.resumes).toEqual([{ phase: 'Building', lostWorker: 'w-1', lostAt: 12_000, processedAtLoss: 40, resumedBy: null, resumedAt: null }]);
      expect(awaitsWorker(lost.run)).toBe(true);
      expect(handle(lost.run, { kind: 'CheckLease' }, 99_000).transitions).toEqual([]);
    });

    it.each<[string, RebuildCommand]>([
      ['its start report', { kind: 'WorkerStarted', worker: 'w-2' }],
      ['its first progress', progress('building', 5, 'w-2')],
    ])('is resumed by the next worker through %s, renewing the lease, the history unchanged', (_, command) => {
      const lost = handle(building(), { kind: 'CheckLease' }, 12_000).run;
      const resumed = handle(lost, command, 13_000).run;
      expect(resumed).toMatchObject({ phase: 'Building', worker: 'w-2', leaseExpiresAt: 23_000 });
      expect(resumed.resumes).toEqual([{ phase: 'Building', lostWorker: 'w-1', lostAt: 12_000, processedAtLoss: 40, resumedBy: 'w-2', resumedAt: 13_000 }]);
      expect(resumed.history.map((h) => h.phase)).toEqual(['Requested', 'Building']);
      expect(awaitsWorker(resumed)).toBe(false);
    });

    it('is resumed in CatchingUp and Switching too, and completes from there', () => {
      const switching = given([request, 0], [dispatch, 0], [started, 1], [progress('switching'), 2]) as RebuildRun;
      const lost = handle(switching, { kind: 'CheckLease' }, 10_002).run;
      expect(lost).toMatchObject({ phase: 'Switching', worker: null });
      const resumed = handle(lost, { kind: 'WorkerStarted', worker: 'w-1' }, 10_500).run;
      // The restarted worker goes through building again from its checkpoint: the phase never moves back.
      const back = handle(resumed, progress('catching-up', 2), 11_000).run;
      expect(back.phase).toBe('Switching');
      const done = handle(back, completed(5), 12_000).run;
      expect(done).toMatchObject({ phase: 'Completed', worker: 'w-1' });
      expect(done.history.map((h) => h.phase)).toEqual(['Requested', 'Building', 'Switching', 'Completed']);
    });

    it('refuses a stale report of the lost worker once another has resumed the run', () => {
      const resumed = handle(handle(building(), { kind: 'CheckLease' }, 12_000).run, { kind: 'WorkerStarted', worker: 'w-2' }, 13_000).run;
      expect(() => handle(resumed, progress('catching-up', 1, 'w-1'), 13_100)).toThrow(/runs on w-2, not w-1/);
    });

    it('fails once it has been resumed maxResumes times, saying how often', () => {
      const policy = { leaseTimeoutMs: 10_000, maxResumes: 2 };
      let run = building();
      for (const at of [20_000, 40_000]) {
        run = handle(run, { kind: 'CheckLease' }, at, policy).run;
        run = handle(run, { kind: 'WorkerStarted', worker: 'w-1' }, at + 1, policy).run;
      }
      const failed = handle(run, { kind: 'CheckLease' }, 60_000, policy).run;
      expect(failed).toMatchObject({ phase: 'Failed', failure: { reason: expect.stringMatching(/w-1 stopped renewing its lease .*after 2 resumes/) } });
      expect(failed.resumes).toHaveLength(2);
    });

    it('still fails a blocking run, which is not resumable', () => {
      const blocking = given([{ ...request, mode: 'blocking' } as RebuildCommand, 0], [dispatch, 0], [started, 1_000]);
      expect(handle(blocking, { kind: 'CheckLease' }, 11_000).run).toMatchObject({ phase: 'Failed', failure: { reason: expect.stringContaining('w-1 stopped renewing') } });
    });
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
