import type { RebuildRun } from '@projectionist/rebuild-state';
import { waitFor } from '@projectionist/testing';
import { BoardStatus, RebuildBoardFallback, RebuildBoardPort } from '../rebuild-board.port';
import { RebuildBoardUnavailableError } from '../rebuild-board-unavailable.error';

/** One isolated shared state per test (its own key prefix), with the switches for an outage. */
export interface RebuildBoardTestBed {
  /** A started board of this bed's namespace; the bed closes it. */
  board(fallback: RebuildBoardFallback): Promise<RebuildBoardPort>;
  /** The shared store (Redis) stops: every board loses it. */
  goOffline(): Promise<void>;
  /** It comes back, empty (no persistence). */
  goOnline(): Promise<void>;
  close(): Promise<void>;
}

export const rebuildRun = (id: string, projection = 'CarView'): RebuildRun => ({
  id,
  projection,
  mode: 'blocking',
  phase: 'Rebuilding',
  requestedAt: 0,
  worker: 'w-1',
  leaseExpiresAt: 1,
  progress: null,
  failure: null,
  history: [],
});

const ids = (runs: RebuildRun[]) => runs.map((r) => r.id);
// Waits that cross a reconnection: a Redis client retries with a growing delay.
const RECONNECT = { timeoutMs: 15_000 };

/**
 * The behaviour every RebuildBoardPort shares, the outage included. Each implementation's spec
 * calls it with a factory of fresh, isolated beds.
 */
export function rebuildBoardContract(name: string, createBed: () => Promise<RebuildBoardTestBed>): void {
  describe(`${name} (rebuild board contract)`, () => {
    let bed: RebuildBoardTestBed;
    /** The durable truth (PostgreSQL) and its version: the coordinator writes it before publishing. */
    let durable: RebuildRun[];
    let version: number;
    /** How often a board read the durable runs (not just their version). */
    let durableReads: number;
    const fallback = {
      fallback: async () => {
        durableReads += 1;
        return { version, runs: durable };
      },
      version: async () => version,
      fallbackTtlMs: 0,
    };
    const writeDurably = (runs: RebuildRun[]) => {
      durable = runs;
      version += 1;
    };
    const publishAs = async (coordinator: RebuildBoardPort, runs: RebuildRun[]) => {
      writeDurably(runs);
      await coordinator.publish({ version, runs });
    };
    const liveBoard = async () => {
      const board = await bed.board(fallback);
      await waitFor('the board live', () => board.isLive, RECONNECT);
      return board;
    };

    beforeEach(async () => {
      [durable, version, durableReads] = [[], 1, 0];
      bed = await createBed();
    });
    afterEach(async () => {
      await bed.close();
    });

    it('tells every board of a change, the publisher included, and a board that starts later knows the active runs', async () => {
      const [coordinator, gateway] = [await liveBoard(), await liveBoard()];
      const seen: string[][] = [];
      gateway.on('changed', (runs) => seen.push(ids(runs)));
      await publishAs(coordinator, [rebuildRun('r-1')]);
      await waitFor('every board saw it', async () => ids(await gateway.active()).length === 1 && ids(await coordinator.active()).length === 1);
      expect(seen).toEqual([['r-1']]);
      const late = await liveBoard();
      expect(ids(await late.active())).toEqual(['r-1']);
      await publishAs(coordinator, []);
      await waitFor('cleared everywhere', async () => (await gateway.active()).length === 0 && (await late.active()).length === 0);
    });

    it('answers from its local copy while live, not from the durable store', async () => {
      const [coordinator, gateway] = [await liveBoard(), await liveBoard()];
      await publishAs(coordinator, [rebuildRun('shared')]);
      await waitFor('the gateway saw it', async () => ids(await gateway.active())[0] === 'shared');
      writeDurably([rebuildRun('only-in-postgres')]);
      expect(ids(await gateway.active())).toEqual(['shared']);
    });

    it('starts from the shared snapshot when it has the durable version, reading only that version', async () => {
      const coordinator = await liveBoard();
      await publishAs(coordinator, [rebuildRun('shared')]);
      await waitFor('the coordinator saw it', async () => ids(await coordinator.active())[0] === 'shared');
      durableReads = 0;
      const late = await liveBoard();
      expect(ids(await late.active())).toEqual(['shared']);
      expect(durableReads).toBe(0);
    });

    it('starts from the durable state when the shared snapshot is older, e.g. a change whose publish never happened', async () => {
      const coordinator = await liveBoard();
      await publishAs(coordinator, [rebuildRun('r-1')]);
      writeDurably([]);
      const late = await liveBoard();
      expect(ids(await late.active())).toEqual([]);
      expect(durableReads).toBeGreaterThan(0);
    });

    it('keeps the newer copy when an older snapshot is broadcast after it', async () => {
      const [coordinator, gateway] = [await liveBoard(), await liveBoard()];
      await publishAs(coordinator, [rebuildRun('newer')]);
      await waitFor('the gateway saw it', async () => ids(await gateway.active())[0] === 'newer');
      const seen: string[][] = [];
      gateway.on('changed', (runs) => seen.push(ids(runs)));
      await coordinator.publish({ version: version - 1, runs: [rebuildRun('older')] });
      await publishAs(coordinator, [rebuildRun('newest')]);
      await waitFor('the gateway saw the newest', async () => ids(await gateway.active())[0] === 'newest');
      expect(seen).not.toContainEqual(['older']);
    });

    it('while the shared store is down: falls back, answers from the durable store, and publishing fails at once with RebuildBoardUnavailableError', async () => {
      const [coordinator, gateway] = [await liveBoard(), await liveBoard()];
      await publishAs(coordinator, [rebuildRun('r-1')]);
      await waitFor('the gateway saw it', async () => ids(await gateway.active()).length === 1);
      const statuses: BoardStatus[] = [];
      gateway.on('status', (s) => statuses.push(s));
      await bed.goOffline();
      await waitFor('fallback', () => !gateway.isLive && !coordinator.isLive, RECONNECT);
      expect(statuses).toEqual(['fallback']);
      const started = Date.now();
      await expect(coordinator.publish({ version: version + 1, runs: [rebuildRun('r-1')] })).rejects.toBeInstanceOf(RebuildBoardUnavailableError);
      expect(Date.now() - started).toBeLessThan(1_500);
      // A run started meanwhile cannot be broadcast: only the durable store knows it.
      writeDurably([rebuildRun('r-1'), rebuildRun('r-2')]);
      expect(ids(await gateway.active())).toEqual(['r-1', 'r-2']);
    });

    it('after the shared store comes back empty, reloads from the durable store instead of trusting what it had', async () => {
      const [coordinator, gateway] = [await liveBoard(), await liveBoard()];
      await publishAs(coordinator, [rebuildRun('before')]);
      await waitFor('the gateway saw it', async () => ids(await gateway.active())[0] === 'before');
      await bed.goOffline();
      await waitFor('fallback', () => !gateway.isLive, RECONNECT);
      writeDurably([rebuildRun('during')]);
      await bed.goOnline();
      await waitFor('live again', () => gateway.isLive, RECONNECT);
      expect(ids(await gateway.active())).toEqual(['during']);
      await waitFor('the coordinator can publish again', () => publishAs(coordinator, [rebuildRun('after')]).then(() => true), RECONNECT);
      await waitFor('the broadcast after the outage', async () => ids(await gateway.active())[0] === 'after');
    });

    it('starts while the shared store is down, answering from the durable store, and goes live when it is back', async () => {
      await bed.goOffline();
      writeDurably([rebuildRun('durable')]);
      const board = await bed.board(fallback);
      expect(board.isLive).toBe(false);
      expect(ids(await board.active())).toEqual(['durable']);
      await bed.goOnline();
      await waitFor('live', () => board.isLive, RECONNECT);
      expect(ids(await board.active())).toEqual(['durable']);
    });

    it('reuses a durable answer for fallbackTtlMs', async () => {
      await bed.goOffline();
      writeDurably([rebuildRun('first')]);
      const board = await bed.board({ ...fallback, fallbackTtlMs: 60_000 });
      expect(ids(await board.active())).toEqual(['first']);
      writeDurably([rebuildRun('second')]);
      expect(ids(await board.active())).toEqual(['first']);
    });

    it('refuses to publish once closed', async () => {
      const board = await liveBoard();
      await board.close();
      await expect(board.publish({ version: version + 1, runs: [] })).rejects.toBeInstanceOf(RebuildBoardUnavailableError);
    });
  });
}
