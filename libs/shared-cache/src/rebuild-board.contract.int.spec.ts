import { PrivateRedis, startPrivateRedis, uniqueNamespace } from '@projectionist/testing';
import { RebuildBoard } from './rebuild-board';
import { rebuildBoardContract } from './testing/rebuild-board.contract';

describe('RebuildBoard on Redis', () => {
  // A redis-server of this file's own: the contract stops and restarts it. Each test has its own key prefix.
  let redis: PrivateRedis;
  let up = true;
  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  afterAll(async () => {
    await redis.close();
  });

  rebuildBoardContract('RebuildBoard', async () => {
    const namespace = uniqueNamespace('board');
    const boards: RebuildBoard[] = [];
    // Starts each test with Redis up, whatever the last one left.
    if (!up) await redis.start();
    up = true;
    return {
      board: async (fallback) => {
        const board = new RebuildBoard({ redisUrl: redis.url, namespace, ...fallback });
        boards.push(board);
        await board.start();
        return board;
      },
      goOffline: async () => {
        up = false;
        await redis.stop();
      },
      goOnline: async () => {
        await redis.start();
        up = true;
      },
      close: async () => void (await Promise.all(boards.map((b) => b.close()))),
    };
  });
});
