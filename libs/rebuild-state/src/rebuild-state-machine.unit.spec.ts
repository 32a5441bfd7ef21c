import { RebuildRun } from './rebuild-run';
import { handle, RebuildCommand, RebuildRejected } from './rebuild-state-machine';

/** given: the commands already handled; when: one more at `now`; then: the resulting run. */
function given(...commands: [RebuildCommand, number][]): RebuildRun | undefined {
  let run: RebuildRun | undefined;
  for (const [command, at] of commands) run = handle(run, command, at).run;
  return run;
}

const request: RebuildCommand = { kind: 'Request', id: 'r-1', projection: 'CarView', mode: 'blocking' };
const dispatch: RebuildCommand = { kind: 'Dispatch' };
const progress = (processed: number): RebuildCommand => ({
  kind: 'Progress',
  worker: 'w-1',
  progress: { processed, total: 100, eventsPerSecond: 50, etaMs: 1000 },
});
/** The worker's report that it swapped the rebuilt table in, with the count it ended on. */
const completed = (processed: number): RebuildCommand => ({
  kind: 'WorkerCompleted',
  worker: 'w-1',
  progress: { processed, total: processed, eventsPerSecond: 80, etaMs: 0 },
});

describe('RebuildStateMachine', () => {
  it('runs Requested → Stopping → Rebuilding → Restarting → Completed, with every phase and its time', () => {
    const run = given(
      [request, 1000],
      [dispatch, 1010],
      [{ kind: 'WorkerStarted', worker: 'w-1' }, 1100],
      [progress(40), 1200],
      [completed(100), 1300],
      [{ kind: 'Restarted', worker: 'w-1' }, 1400],
    );
    expect(run).toMatchObject({ phase: 'Completed', worker: 'w-1', progress: { processed: 100 }, leaseExpiresAt: null });
    expect(run?.history).toEqual([
      { phase: 'Requested', at: 1000 },
      { phase: 'Stopping', at: 1010 },
      { phase: 'Rebuilding', at: 1100 },
      { phase: 'Restarting', at: 1300 },
      { phase: 'Completed', at: 1400 },
    ]);
  });

  it('keeps the final progress of a completed run, not the last periodic report', () => {
    const run = given(
      [request, 0],
      [dispatch, 0],
      [{ kind: 'WorkerStarted', worker: 'w-1' }, 1],
      [{ kind: 'Progress', worker: 'w-1', progress: { processed: 250_000, total: 300_000, eventsPerSecond: 50_000, etaMs: 1_000 } }, 2],
      [completed(300_000), 3],
      [{ kind: 'Restarted', worker: 'w-1' }, 4],
    );
    expect(run).toMatchObject({ phase: 'Completed', progress: { processed: 300_000, total: 300_000, etaMs: 0 } });
  });

  it('refuses a second rebuild of the same projection while one runs, naming the running one', () => {
    const run = given([request, 0]);
    const error = (() => {
      try {
        handle(run, { ...request, id: 'r-2' } as RebuildCommand, 1);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(RebuildRejected);
    expect(error).toMatchObject({ code: 'REBUILD_ALREADY_RUNNING', runningId: 'r-1' });
  });

  it('allows a new run once the previous one ended', () => {
    const done = given([request, 0], [{ kind: 'Cancel' }, 5]);
    expect(handle(done, { ...request, id: 'r-2' } as RebuildCommand, 10).run).toMatchObject({ id: 'r-2', phase: 'Requested' });
  });

  it('lets the requester withdraw a run only until the coordinator has dispatched it', () => {
    expect(handle(given([request, 0]), { kind: 'Withdraw' }, 1).run).toMatchObject({ phase: 'Cancelled' });
    const dispatched = given([request, 0], [dispatch, 1]);
    expect(() => handle(dispatched, { kind: 'Withdraw' }, 2)).toThrow(/is Stopping, not Requested/);
    expect(() => handle(handle(given([request, 0]), { kind: 'Withdraw' }, 1).run, dispatch, 2)).toThrow(/already ended as Cancelled/);
  });

  it('dispatches a run left Requested only once it is overdue, when asked for overdue runs only', () => {
    const requested = given([request, 1_000]);
    expect(handle(requested, { kind: 'Dispatch', overdueOnly: true }, 10_999).transitions).toEqual([]);
    expect(handle(requested, { kind: 'Dispatch', overdueOnly: true }, 11_000).run).toMatchObject({ phase: 'Stopping' });
    expect(handle(requested, dispatch, 1_001).run).toMatchObject({ phase: 'Stopping' });
  });

  it('fails the run with the reason and event position the worker reports', () => {
    const run = given(
      [request, 0],
      [dispatch, 0],
      [{ kind: 'WorkerStarted', worker: 'w-1' }, 1],
      [{ kind: 'WorkerFailed', worker: 'w-1', failure: { reason: 'CarView failed on car.sold', eventPosition: 42 } }, 2],
    );
    expect(run).toMatchObject({ phase: 'Failed', failure: { reason: 'CarView failed on car.sold', eventPosition: 42 } });
  });

  it('fails the run when the worker stops renewing its lease, and not before', () => {
    const rebuilding = given([request, 0], [dispatch, 0], [{ kind: 'WorkerStarted', worker: 'w-1' }, 1_000], [progress(10), 5_000]);
    expect(handle(rebuilding, { kind: 'CheckLease' }, 14_999).transitions).toEqual([]);
    const failed = handle(rebuilding, { kind: 'CheckLease' }, 15_000).run;
    expect(failed).toMatchObject({ phase: 'Failed', failure: { reason: expect.stringContaining('w-1 stopped renewing its lease'), eventPosition: null } });
  });

  it.each<[string, RebuildCommand]>([
    ['progress before the worker stopped the projection', progress(1)],
    ['a restart before the rebuild completed', { kind: 'Restarted', worker: 'w-1' }],
    ['a worker stopping before the coordinator dispatched the run', { kind: 'WorkerStarted', worker: 'w-1' }],
  ])('rejects %s', (_, command) => {
    expect(() => handle(given([request, 0]), command, 1)).toThrow(RebuildRejected);
  });

  it("takes reports only from the run's worker, and no command once the run ended", () => {
    const rebuilding = given([request, 0], [dispatch, 0], [{ kind: 'WorkerStarted', worker: 'w-1' }, 1]);
    expect(() => handle(rebuilding, { kind: 'Heartbeat', worker: 'w-2' }, 2)).toThrow(/runs on w-1/);
    const cancelled = handle(rebuilding, { kind: 'Cancel' }, 3).run;
    expect(() => handle(cancelled, progress(5), 4)).toThrow(/already ended as Cancelled/);
  });
});
