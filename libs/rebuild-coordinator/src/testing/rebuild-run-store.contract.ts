import { RebuildRejected } from '@projectionist/rebuild-state';
import { RebuildRunStorePort } from '../runs/rebuild-run-store.port';

const request = (id: string, projection = 'CarView') => ({ kind: 'Request' as const, id, projection, mode: 'blocking' as const });

/**
 * The behaviour every RebuildRunStorePort shares. Each implementation's spec calls it with a
 * factory that returns an empty store.
 */
export function rebuildRunStoreContract(name: string, createStore: () => Promise<RebuildRunStorePort>): void {
  describe(`${name} (rebuild run store contract)`, () => {
    let store: RebuildRunStorePort;
    beforeEach(async () => {
      store = await createStore();
    });

    it('keeps every phase of a run with its time', async () => {
      await store.request(request('r-1'), 1_000);
      await store.apply('r-1', { kind: 'Dispatch' }, 1_500);
      await store.apply('r-1', { kind: 'WorkerStarted', worker: 'w-1' }, 2_000);
      await store.apply('r-1', { kind: 'Progress', worker: 'w-1', progress: { processed: 5, total: 10, eventsPerSecond: 5, etaMs: 1000 } }, 3_000);
      await store.apply('r-1', { kind: 'WorkerCompleted', worker: 'w-1', progress: { processed: 10, total: 10, eventsPerSecond: 5, etaMs: 0 } }, 4_000);
      await store.apply('r-1', { kind: 'Restarted', worker: 'w-1' }, 5_000);
      expect(await store.history('r-1')).toEqual([
        { phase: 'Requested', at: 1_000 },
        { phase: 'Stopping', at: 1_500 },
        { phase: 'Rebuilding', at: 2_000 },
        { phase: 'Restarting', at: 4_000 },
        { phase: 'Completed', at: 5_000 },
      ]);
      expect(await store.get('r-1')).toMatchObject({ phase: 'Completed', progress: { processed: 10, total: 10 } });
      expect(await store.active()).toEqual([]);
      expect((await store.list()).map((r) => r.id)).toEqual(['r-1']);
    });

    it('creates exactly one run when many requests for a projection race, and names it to the others', async () => {
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.request(request(`race-${i}`, 'ActiveProject'))));
      const created = results.filter((r) => r.status === 'fulfilled');
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(created).toHaveLength(1);
      const winner = (created[0] as PromiseFulfilledResult<{ id: string }>).value.id;
      for (const r of rejected) {
        expect(r.reason).toBeInstanceOf(RebuildRejected);
        expect(r.reason).toMatchObject({ code: 'REBUILD_ALREADY_RUNNING', runningId: winner });
      }
      expect((await store.active()).map((run) => run.id)).toEqual([winner]);
    });

    it('refuses commands the machine refuses, and unknown runs, changing nothing', async () => {
      await store.request(request('r-2', 'CustomerView'));
      await expect(store.apply('r-2', { kind: 'Restarted', worker: 'w-1' })).rejects.toBeInstanceOf(RebuildRejected);
      await expect(store.apply('nope', { kind: 'Cancel' })).rejects.toThrow(RangeError);
      expect(await store.get('r-2')).toMatchObject({ phase: 'Requested', mode: 'blocking' });
      expect((await store.history('r-2')).map((h) => h.phase)).toEqual(['Requested']);
    });

    it('raises the version with every change, not with a refused command, and snapshots the active runs with it', async () => {
      const start = await store.version();
      await store.request(request('v-1', 'VersionView'));
      await store.apply('v-1', { kind: 'Dispatch' });
      await expect(store.apply('v-1', { kind: 'Withdraw' })).rejects.toBeInstanceOf(RebuildRejected);
      expect(await store.version()).toBe(start + 2);
      const snapshot = await store.snapshot();
      expect(snapshot).toEqual({ version: start + 2, runs: [expect.objectContaining({ id: 'v-1', phase: 'Stopping', mode: 'blocking' })] });
      await store.apply('v-1', { kind: 'Cancel' });
      expect(await store.snapshot()).toEqual({ version: start + 3, runs: [] });
    });

    it('allows a new run of a projection once the last one ended', async () => {
      await store.request(request('r-3', 'GuestView'));
      await store.apply('r-3', { kind: 'Cancel' });
      await store.request(request('r-4', 'GuestView'));
      expect((await store.active()).map((r) => r.id)).toEqual(['r-4']);
    });
  });
}
