import { singleStreamProjection } from '@projectionist/projections';
import { waitFor } from '@projectionist/testing';
import { AgentLeases } from '../distributed/agent-leases';
import { createDaemonFixture, DaemonFixture } from '../testing/daemon-fixture';
import { ProjectionDaemon } from './projection-daemon';
import { VersionNotRunningError } from './version-rollback';

const TTL_MS = 60_000;

/** One document per stream; version v adds v per event, so every document of one version reads the same `n` and readers can tell the versions apart. */
const tally = (version: number) =>
  singleStreamProjection<{ n: number }>({ name: 'Tally', version, eventTypes: ['tallied'], evolve: (doc) => ({ n: (doc?.n ?? 0) + version }) });

/**
 * Distributed mode, two versions of a projection on two nodes at once (a rolling deployment):
 * each holds its own lease (`Tally@1`, `Tally@2`) and updates its own table; only the newer one
 * takes the readers, a rollback takes them back to the older one, which stays current, and the
 * newer one leaves them there until the rollback is undone.
 */
describe('versions of a projection side by side, leases per version', () => {
  let f: DaemonFixture;
  let leases: AgentLeases;
  let streams = 0;
  beforeAll(async () => {
    f = await createDaemonFixture('versions_side');
    leases = new AgentLeases(f.pool, f.db.namespace);
  });
  afterAll(() => f.close());

  const q = (sql: string) => f.pool.query(sql.replace(/%s/g, `"${f.db.namespace}"`));
  /** The distinct `n` of the documents readers see: [1] for v1, [2] for v2, both only if a read mixed them. */
  const viewShape = async () => (await q(`SELECT array_agg(DISTINCT (data->>'n')::int) AS ns, count(*)::int AS docs FROM %s.tally`)).rows[0] as { ns: number[]; docs: number };
  const append = async (count: number) => {
    for (let i = 0; i < count; i++) await f.store.append(`tally-${streams++}`, [{ type: 'tallied', data: {} }]);
  };
  const started = async (version: number, node: string, tuning = {}) => {
    const daemon = f.daemon([tally(version)], { pageSize: 10, liveCommitEvery: 10, ...tuning }, node, { leases: 'version' });
    const epoch = await leases.claimIfFree(daemon.leaseSubject('Tally'), node, TTL_MS);
    if (epoch === undefined) throw new Error(`Tally@${version} is held elsewhere`);
    await daemon.start(new Map([['Tally', epoch]]));
    return daemon;
  };
  const stopped = async (daemon: ProjectionDaemon, node: string) => {
    const epoch = await daemon.stopProjection('Tally');
    await leases.release({ projection: daemon.leaseSubject('Tally'), epoch }, node);
    await daemon.stop();
  };

  it('builds v2 while v1 keeps serving and updating, switches once, and never lets v1 take the readers back', async () => {
    const v1 = await started(1, 'node-1');
    await append(200);
    await v1.waitForNonStale({ timeoutMs: 20_000 });
    expect(await viewShape()).toEqual({ ns: [1], docs: 200 });

    const v2 = await started(2, 'node-2', { pageSize: 5, liveCommitEvery: 5 });
    expect(v2.owns('Tally') && v1.owns('Tally')).toBe(true);
    const seen = new Set<string>();
    let writing = true;
    const writer = (async () => {
      while (writing) await append(1);
    })();
    try {
      await waitFor('readers on v2', async () => {
        const shape = await viewShape();
        seen.add(JSON.stringify(shape.ns));
        return shape.ns.length === 1 && shape.ns[0] === 2;
      }, { timeoutMs: 30_000, intervalMs: 1 });
      // v1 went on applying beside the build: its table has what was written since.
      const before = streams;
      await waitFor('v1 still applying', async () => (await q(`SELECT count(*)::int AS n FROM %s.tally_v1`)).rows[0].n >= before, { timeoutMs: 10_000 });
    } finally {
      writing = false;
      await writer;
    }
    expect([...seen].sort()).toEqual(['[1]', '[2]']);
    expect(f.logs.filter((l) => l.includes('readers moved to the new version'))).toHaveLength(1);

    // v1 restarted (a node of the old code coming back) catches up and leaves the readers on v2.
    await stopped(v1, 'node-1');
    const v1Again = await started(1, 'node-1');
    await append(3);
    await v1Again.waitForNonStale({ timeoutMs: 10_000 });
    await v2.waitForNonStale({ timeoutMs: 10_000 });
    expect((await viewShape()).ns).toEqual([2]);
    // Only the version readers read is rebuilt: its holder answers for it.
    expect(await v2.runsReadersOf('Tally')).toBe(true);
    expect(await v1Again.runsReadersOf('Tally')).toBe(false);

    // Rollback: v1's holder moves the readers back at once, to a table as current as v2's.
    expect(await v2.rollbackIfMine('Tally')).toBeUndefined();
    expect(await v1Again.rollbackIfMine('Tally')).toMatchObject({ version: 1 });
    expect(await viewShape()).toEqual({ ns: [1], docs: streams });
    expect(await v1Again.runsReadersOf('Tally')).toBe(true);

    // v2, caught up again and restarted, leaves the readers on v1: the rollback is pinned.
    await stopped(v2, 'node-2');
    const v2Again = await started(2, 'node-2');
    await append(3);
    await v2Again.waitForNonStale({ timeoutMs: 10_000 });
    await v1Again.waitForNonStale({ timeoutMs: 10_000 });
    expect(await viewShape()).toEqual({ ns: [1], docs: streams });

    // A second rollback undoes the first: v2's holder takes the readers forward again.
    expect(await v1Again.rollbackIfMine('Tally')).toBeUndefined();
    expect(await v2Again.rollbackIfMine('Tally')).toMatchObject({ version: 2 });
    expect(await viewShape()).toEqual({ ns: [2], docs: streams });

    // With no node running v1 any more, v2's holder refuses to send readers to its stale table.
    await stopped(v1Again, 'node-1');
    await expect(v2Again.rollbackIfMine('Tally')).rejects.toBeInstanceOf(VersionNotRunningError);
    expect((await viewShape()).ns).toEqual([2]);
  });
});
