import { waitFor } from '@projectionist/testing';
import { rebuildBoardContract, rebuildRun } from '../testing/rebuild-board.contract';
import { InMemoryBoardServer, InMemoryRebuildBoard } from './in-memory-rebuild-board';

rebuildBoardContract('InMemoryRebuildBoard', async () => {
  const server = new InMemoryBoardServer();
  const boards: InMemoryRebuildBoard[] = [];
  return {
    board: async (fallback) => {
      const board = new InMemoryRebuildBoard({ server, namespace: 'contract', ...fallback });
      boards.push(board);
      await board.start();
      return board;
    },
    goOffline: async () => server.goOffline(),
    goOnline: async () => server.goOnline(),
    close: async () => void (await Promise.all(boards.map((b) => b.close()))),
  };
});

describe('InMemoryBoardServer', () => {
  it('keeps the snapshot per namespace, for tools that read it, and loses it when it goes down', async () => {
    const server = new InMemoryBoardServer();
    const [a, b] = ['a', 'b'].map((namespace) => new InMemoryRebuildBoard({ server, namespace, fallback: async () => ({ version: 0, runs: [] }), version: async () => 0 }));
    await Promise.all([a.start(), b.start()]);
    await waitFor('live', () => a.isLive && b.isLive);
    await a.publish({ version: 1, runs: [rebuildRun('r-a')] });
    await waitFor('a saw it', async () => (await a.active()).length === 1);
    expect([server.snapshot('a')?.runs.map((r) => r.id), server.snapshot('b'), await b.active()]).toEqual([['r-a'], undefined, []]);
    server.goOffline();
    expect(server.snapshot('a')).toBeUndefined();
  });
});
