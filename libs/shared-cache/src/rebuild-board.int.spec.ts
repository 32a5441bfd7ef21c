import type { RebuildRun } from '@projectionist/rebuild-state';
import { TEST_REDIS_URL, uniqueNamespace, waitFor } from '@projectionist/testing';
import { RebuildBoard } from './rebuild-board';

const run = (id: string): RebuildRun => ({
  id,
  projection: 'CarView',
  mode: 'blocking',
  phase: 'Rebuilding',
  requestedAt: 0,
  worker: 'w-1',
  leaseExpiresAt: 1,
  progress: null,
  failure: null,
  history: [],
});

// The outage and the reload after it are in the shared contract (rebuild-board.contract.int.spec.ts).
describe('RebuildBoard on the shared Redis', () => {
  const boards: RebuildBoard[] = [];
  /** The durable truth a board falls back on, and its version; the coordinator writes it before publishing. */
  let durable: RebuildRun[] = [];
  let version = 0;
  const publishAs = async (coordinator: RebuildBoard, runs: RebuildRun[]) => {
    [durable, version] = [runs, version + 1];
    await coordinator.publish({ version, runs });
  };
  const board = async (namespace: string, redisUrl = TEST_REDIS_URL) => {
    const b = new RebuildBoard({ redisUrl, namespace, fallback: async () => ({ version, runs: durable }), version: async () => version, fallbackTtlMs: 0 });
    boards.push(b);
    await b.start();
    return b;
  };
  afterAll(async () => {
    for (const b of boards) await b.close();
  });

  beforeEach(() => (durable = []));

  it('tells every node of a change within 100 ms, and a node that starts later knows the active runs', async () => {
    const namespace = uniqueNamespace('board');
    const [coordinator, gateway] = [await board(namespace), await board(namespace)];
    await waitFor('both live', () => coordinator.isLive && gateway.isLive);
    const published = Date.now();
    let seenAfter = -1;
    gateway.once('changed', () => (seenAfter = Date.now() - published));
    await publishAs(coordinator, [run('r-1')]);
    await waitFor('the gateway saw it', async () => (await gateway.active()).length === 1);
    expect(seenAfter).toBeLessThan(100);
    const late = await board(namespace);
    await waitFor('late node live', () => late.isLive);
    expect((await late.active()).map((r) => r.id)).toEqual(['r-1']);
    await publishAs(coordinator, []);
    await waitFor('cleared everywhere', async () => (await gateway.active()).length === 0 && (await late.active()).length === 0);
  });

  it('answers from the durable fallback while Redis is unreachable, never from a guess', async () => {
    durable = [run('durable')];
    const offline = await board(uniqueNamespace('board'), 'redis://127.0.0.1:6399');
    expect(offline.isLive).toBe(false);
    expect((await offline.active()).map((r) => r.id)).toEqual(['durable']);
  });
});
