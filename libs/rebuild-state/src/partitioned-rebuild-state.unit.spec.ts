import { partitionsAwaitingWorker } from './rebuild-partitions';
import { RebuildProgressSnapshot, RebuildRun } from './rebuild-run';
import { DEFAULT_REBUILD_POLICY, handle, RebuildCommand, RebuildRejected } from './rebuild-state-machine';

/** given: the commands already handled; when: one more at `now`; then: the resulting run. */
function given(...commands: [RebuildCommand, number][]): RebuildRun {
  let run: RebuildRun | undefined;
  for (const [command, at] of commands) run = handle(run, command, at).run;
  return run as RebuildRun;
}

const LEASE = DEFAULT_REBUILD_POLICY.leaseTimeoutMs;
const request = (partitions: number): RebuildCommand => ({ kind: 'Request', id: 'r-1', projection: 'CustomerView', mode: 'online', partitions });
const dispatch: RebuildCommand = { kind: 'Dispatch' };
const started: RebuildCommand = { kind: 'WorkerStarted', worker: 'owner' };
const assign = (...workers: string[]): RebuildCommand => ({ kind: 'AssignPartitions', workers });
const counts = (processed: number, total: number, etaMs: number | null = 1000): RebuildProgressSnapshot => ({ processed, total, eventsPerSecond: 10, etaMs });
const partitionProgress = (worker: string, partition: number, processed: number, total: number, done = false): RebuildCommand => ({
  kind: 'PartitionProgress',
  worker,
  partition,
  progress: counts(processed, total, done ? 0 : 1000),
  done,
});
const building = [[request(3), 1000], [dispatch, 1010], [started, 1100]] as [RebuildCommand, number][];

describe('RebuildStateMachine, partitioned online runs', () => {
  it('creates one partition per requested split, none for a run that is not split', () => {
    expect(given([request(3), 1000]).partitions?.map((p) => p.index)).toEqual([0, 1, 2]);
    expect(given([request(1), 1000]).partitions).toBeUndefined();
  });

  it('hands partitions out once the owner took the run, fewest per worker, the owner last among equals', () => {
    expect(partitionsAwaitingWorker(given([request(3), 1000], [dispatch, 1010]))).toEqual([]);
    const run = given(...building, [assign('owner', 'w-2'), 1200]);
    expect(run.partitions?.map((p) => [p.worker, p.leaseExpiresAt])).toEqual([
      ['w-2', 1200 + LEASE],
      ['owner', 1200 + LEASE],
      ['w-2', 1200 + LEASE],
    ]);
    expect(partitionsAwaitingWorker(run)).toEqual([]);
    // Asked again, nothing more to hand out.
    expect(handle(run, assign('owner', 'w-2', 'w-3'), 1300).transitions).toEqual([]);
  });

  it("shows the sum of the partitions' progress while building, not the waiting owner's", () => {
    const run = given(
      ...building,
      [assign('owner', 'w-2', 'w-3'), 1200],
      [partitionProgress('w-2', 0, 10, 30), 1300],
      [partitionProgress('w-3', 1, 20, 40), 1300],
      [{ kind: 'Progress', worker: 'owner', phase: 'building', progress: counts(0, 100) }, 1350],
      [partitionProgress('owner', 2, 30, 30, true), 1400],
    );
    expect(run.progress).toEqual({ processed: 60, total: 100, eventsPerSecond: 30, etaMs: 1000 });
    expect(run.partitions?.[2]).toMatchObject({ done: true, leaseExpiresAt: null });
    expect(run.phase).toBe('Building');
    // The owner goes on once all are built: its own progress counts again.
    const after = handle(run, { kind: 'Progress', worker: 'owner', phase: 'catching-up', progress: counts(100, 100) }, 1500).run;
    expect(after).toMatchObject({ phase: 'CatchingUp', progress: { processed: 100 } });
    // The owner only goes on once every partition is built, whether or not their last reports arrived.
    expect(after.partitions?.map((p) => [p.done, p.leaseExpiresAt])).toEqual([
      [true, null],
      [true, null],
      [true, null],
    ]);
  });

  it('loses a silent partition worker and hands its partition to another, which resumes it; the fenced-out one is not heard', () => {
    const lost = given(...building, [assign('owner', 'w-2'), 1200], [partitionProgress('owner', 1, 5, 30), 1250], [{ kind: 'Heartbeat', worker: 'owner' }, 1250 + LEASE]);
    const checked = handle(lost, { kind: 'CheckLease' }, 1200 + LEASE + 1);
    expect(checked.transitions).toEqual([
      { kind: 'PartitionLost', at: 1200 + LEASE + 1, partition: 0, worker: 'w-2' },
      { kind: 'PartitionLost', at: 1200 + LEASE + 1, partition: 2, worker: 'w-2' },
    ]);
    expect(checked.run.phase).toBe('Building');
    const reassigned = handle(checked.run, assign('owner', 'w-3'), 1200 + LEASE + 2).run;
    expect(reassigned.partitions?.map((p) => [p.worker, p.losses])).toEqual([
      ['w-3', 1],
      ['owner', 0],
      ['w-3', 1],
    ]);
    expect(() => handle(reassigned, partitionProgress('w-2', 0, 9, 30), 1200 + LEASE + 3)).toThrow(RebuildRejected);
    expect(() => handle(reassigned, { kind: 'PartitionFailed', worker: 'w-2', partition: 0, failure: { reason: 'taken over', eventPosition: null } }, 1200 + LEASE + 3)).toThrow(RebuildRejected);
    expect(handle(reassigned, { kind: 'PartitionStarted', worker: 'w-3', partition: 0 }, 1200 + LEASE + 3).run.partitions?.[0].leaseExpiresAt).toBe(1200 + 2 * LEASE + 3);
  });

  it('fails the run when a partition fails on its worker, naming the partition', () => {
    const run = given(...building, [assign('owner', 'w-2'), 1200], [{ kind: 'PartitionFailed', worker: 'w-2', partition: 0, failure: { reason: 'handler threw', eventPosition: 42 } }, 1300]);
    expect(run).toMatchObject({ phase: 'Failed', failure: { reason: 'partition 1 of 3 on w-2: handler threw', eventPosition: 42 } });
  });

  it('fails the run once partition workers were lost more often than the policy resumes', () => {
    let run = given([request(2), 1000], [dispatch, 1010], [started, 1100]);
    const policy = { ...DEFAULT_REBUILD_POLICY, maxResumes: 4 };
    let now = 1200;
    const phases: string[] = [];
    for (let round = 0; round < 3; round++) {
      run = handle(run, assign('w-2'), now, policy).run;
      run = handle(run, { kind: 'Heartbeat', worker: 'owner' }, now + LEASE, policy).run;
      now += LEASE + 1;
      run = handle(run, { kind: 'CheckLease' }, now, policy).run;
      phases.push(run.phase);
    }
    // Two partitions lost per round: 2, 4, then 6 losses, past the bound of 4.
    expect(phases).toEqual(['Building', 'Building', 'Failed']);
    expect(run.failure?.reason).toContain('lost 6 times');
  });

  it('refuses partition reports for a run past Building', () => {
    const run = given(...building, [assign('owner'), 1200], [{ kind: 'Progress', worker: 'owner', phase: 'catching-up', progress: counts(1, 1) }, 1300]);
    expect(() => handle(run, partitionProgress('owner', 0, 1, 1), 1400)).toThrow(/its partitions are built/);
  });
});
