import { waitFor } from '@projectionist/testing';
import { createDaemonFixture, DaemonFixture } from '../testing/daemon-fixture';
import { positionLedger } from '../testing/position-ledger';
import { HotColdDaemon } from './hot-cold-daemon';

const ROUNDS = 5;

const ledger = (name: string) => positionLedger(name, `hit-${name}`);

/**
 * The election lock's connection ends (server restart, network blip, idle-session killer) while
 * the node rebuilds or catches up; the same node takes the lock back. Every event must still be
 * applied exactly once: no agent of the old term may go on beside the new term's.
 */
describe('HotCold after the lock connection is terminated', () => {
  // Each round waits for a step-down and a new term; on a loaded machine that takes seconds.
  jest.setTimeout(180_000);
  let f: DaemonFixture;
  beforeAll(async () => {
    f = await createDaemonFixture('lock_loss');
  });
  afterAll(() => f.close());

  const hits = (name: string, n: number) => Array.from({ length: n }, () => ({ type: `hit-${name}`, data: {} }));
  const lockBackend = async (nodeId: string) => {
    const { rows } = await f.pool.query(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, [`${f.db.namespace}:daemon-lock:${nodeId}`]);
    return rows[0]?.pid as number | undefined;
  };
  const terminateLock = async (nodeId: string) => {
    const pid = await waitFor('the lock connection', () => lockBackend(nodeId));
    await f.pool.query('SELECT pg_terminate_backend($1)', [pid]);
    return pid;
  };
  const expectExactlyOnce = async (name: string, table: string) => {
    const { rows } = await f.pool.query(`SELECT position FROM "${f.db.namespace}".events WHERE type = $1 ORDER BY position`, [`hit-${name}`]);
    const expected = rows.map((r) => Number(r.position));
    const applied = (await f.pool.query(`SELECT position FROM "${f.db.namespace}".${table} ORDER BY position`)).rows.map((r) => Number(r.position));
    expect(applied).toEqual(expected);
  };

  const nodes: HotColdDaemon[] = [];
  afterEach(async () => {
    for (const node of nodes.splice(0)) await node.stop();
  });
  const activeHotCold = async (nodeId: string, name: string, tuning: Parameters<DaemonFixture['daemon']>[1]) => {
    const daemon = f.daemon([ledger(name)], tuning, nodeId);
    const hotCold = new HotColdDaemon({ databaseUrl: f.db.databaseUrl, namespace: f.db.namespace, nodeId, daemon, logger: f.logger, retryMinMs: 20, retryMaxMs: 60, lockCheckMs: 50 });
    nodes.push(hotCold);
    hotCold.start();
    await waitFor('active', () => hotCold.currentRole === 'active', { timeoutMs: 30_000 });
    return { daemon, hotCold };
  };

  it('applies every event exactly once when the lock connection is terminated mid-rebuild', async () => {
    const name = 'RebuildLoss';
    const { daemon, hotCold } = await activeHotCold('rebuild-node', name, { rebuildPageSize: 20, rebuildCommitEvery: 20, rebuildFeedEncoding: 'rows' });
    for (let i = 0; i < 40; i++) await f.store.append(`r-${i % 8}`, hits(name, 50));
    await daemon.waitForNonStale({ timeoutMs: 30_000 });
    for (let round = 0; round < ROUNDS; round++) {
      const activeSince = hotCold.activeSince;
      const rebuilding = daemon.rebuild(name);
      await waitFor('rebuild under way', () => (daemon.progress()[0].rebuild?.processed ?? 0) > 0, { intervalMs: 1 });
      await terminateLock('rebuild-node');
      const result = await rebuilding;
      await waitFor('active again', () => hotCold.currentRole === 'active' && hotCold.activeSince !== activeSince, { timeoutMs: 30_000 });
      expect(result.status).not.toBe('completed');
      await f.store.append(`r-${round}`, hits(name, 5));
      await daemon.waitForNonStale({ timeoutMs: 30_000 });
      await expectExactlyOnce(name, 'rebuild_loss');
    }
  });

  it('applies every event exactly once when the lock connection is terminated mid-catch-up', async () => {
    const name = 'CatchUpLoss';
    const { daemon, hotCold } = await activeHotCold('catch-up-node', name, { pageSize: 10, liveCommitEvery: 10, rebuildCommitEvery: 10 });
    let appending = true;
    const writer = (async () => {
      for (let i = 0; appending; i++) await f.store.append(`c-${i % 8}`, hits(name, 5));
    })();
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const activeSince = hotCold.activeSince;
        const applied = daemon.progress()[0].position;
        await waitFor('applying', () => daemon.progress()[0].position > applied);
        await terminateLock('catch-up-node');
        await waitFor('active again', () => hotCold.currentRole === 'active' && hotCold.activeSince !== activeSince, { timeoutMs: 30_000 });
      }
    } finally {
      appending = false;
      await writer;
    }
    await daemon.waitForNonStale({ timeoutMs: 30_000 });
    await expectExactlyOnce(name, 'catch_up_loss');
  });
});
