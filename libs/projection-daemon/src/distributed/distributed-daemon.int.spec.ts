import { DocumentProjection, singleStreamProjection } from '@projectionist/projections';
import { nodeLockHeldSql, nodeLockPrefix } from '@projectionist/cluster-nodes';
import { waitFor } from '@projectionist/testing';
import { createDaemonFixture, DaemonFixture } from '../testing/daemon-fixture';
import { DistributedDaemon } from './distributed-daemon';

/** Fails on a duplicate or out-of-order event, so any double apply shows up. */
const tally = (name: string): DocumentProjection<{ versions: number[] }> =>
  singleStreamProjection<{ versions: number[] }>({
    name,
    version: 1,
    eventTypes: [`tick-${name}`],
    evolve: (doc, event) => {
      const versions = doc?.versions ?? [];
      if (event.streamVersion !== (versions[versions.length - 1] ?? 0) + 1) throw new Error(`out of order: v${event.streamVersion} after ${versions.join(',')}`);
      return { versions: [...versions, event.streamVersion] };
    },
  });

describe('DistributedDaemon', () => {
  let f: DaemonFixture;
  const nodes: DistributedDaemon[] = [];
  const PROJECTIONS = [tally('Left'), tally('Right')];

  const node = async (id: string, leaseTtlMs = 3_000) => {
    const daemon = f.daemon(PROJECTIONS, {}, id);
    const distributed = new DistributedDaemon({ databaseUrl: f.db.databaseUrl, namespace: f.db.namespace, nodeId: id, daemon, logger: f.logger, leaseTtlMs });
    nodes.push(distributed);
    distributed.start();
    await waitFor(`${id} joined`, () => distributed.role === 'active');
    return { daemon, distributed };
  };
  const health = (n: DistributedDaemon) => Object.fromEntries(n.agents().map((a) => [a.agent, a.health]));
  const tickAll = async (name: string, n: number) => {
    let last = 0;
    for (let i = 0; i < n; i++) last = (await f.store.append(`${name}-${i % 3}`, [{ type: `tick-${name}`, data: {} }])).positions[0];
    return last;
  };
  const lease = async (projection: string) =>
    (await f.pool.query(`SELECT holder, epoch FROM "${f.db.namespace}".projection_leases WHERE projection = $1`, [projection])).rows[0];
  const doc = async (view: string, id: string) => (await f.pool.query(`SELECT data FROM "${f.db.namespace}".${view} WHERE id = $1`, [id])).rows[0]?.data;

  beforeAll(async () => {
    f = await createDaemonFixture('distributed');
  });
  afterAll(async () => {
    for (const n of nodes) await n.stop();
    await f.close();
  });

  it('runs only the agents it is asked to, each under its own lease', async () => {
    const a = await node('a');
    expect(a.distributed.capabilities).toEqual(['Left@1', 'Right@1']);
    await a.distributed.startAgent('Left@1');
    await waitFor('Left running on a', () => health(a.distributed)['Left@1'] === 'running');
    expect(a.daemon.owns('Left')).toBe(true);
    expect(a.daemon.owns('Right')).toBe(false);
    const last = await tickAll('Left', 6);
    await waitFor('Left applied', () => a.daemon.progress().find((p) => p.name === 'Left')?.position === last);
    expect((await doc('left', 'Left-0'))?.versions).toEqual([1, 2]);
  });

  it('hands an agent over without overlap: the new node claims only once the old one stopped and released', async () => {
    const [a, b] = [nodes[0], (await node('b')).distributed];
    const starting = b.startAgent('Left@1'); // its claim waits: a holds the lease and is alive
    await waitFor('b asking for Left', () => health(b)['Left@1'] === 'starting');
    expect(await lease('Left')).toEqual({ holder: 'a', epoch: 1 });
    await a.stopAgent('Left@1');
    await starting;
    expect(await lease('Left')).toEqual({ holder: 'b', epoch: 2 });
    await waitFor('Left running on b', () => health(b)['Left@1'] === 'running');
    expect(a.agents()).toEqual([]);
    await tickAll('Left', 3);
    await waitFor('Left applied on b', async () => (await doc('left', 'Left-0'))?.versions.length === 3);
  });

  it('stops every agent at once when its liveness lock connection is terminated, and joins again', async () => {
    const d = await node('d', 60_000);
    await d.distributed.startAgent('Right@1');
    await waitFor('Right running on d', () => health(d.distributed)['Right@1'] === 'running');
    await f.pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [`${f.db.namespace}:node:d-lock:d`]);
    // Others may claim its leases the moment the lock is gone: it must have stopped applying.
    await waitFor('d stopped Right', () => !d.daemon.owns('Right'));
    expect(d.distributed.agents()).toEqual([]);
    await waitFor('d joined again', () => d.distributed.role === 'active');
    await d.distributed.startAgent('Right@1');
    await waitFor('Right running on d again', () => health(d.distributed)['Right@1'] === 'running');
    await d.distributed.stopAgent('Right@1');
  });

  it('stopped while it joins, it keeps no liveness lock and starts nothing', async () => {
    const daemon = f.daemon(PROJECTIONS, {}, 'e');
    const distributed = new DistributedDaemon({ databaseUrl: f.db.databaseUrl, namespace: f.db.namespace, nodeId: 'e', daemon, logger: f.logger, leaseTtlMs: 3_000 });
    distributed.start();
    await distributed.stop();
    expect(distributed.role).toBe('stopped');
    const { rows } = await f.pool.query(`SELECT ${nodeLockHeldSql('$1', `'e'`)} AS held`, [nodeLockPrefix(f.db.namespace)]);
    expect(rows[0].held).toBe(false);
  });

  it("takes a killed node's agents at once: its liveness lock is gone, its lease not yet expired", async () => {
    const c = await node('c', 60_000);
    await c.distributed.startAgent('Right@1');
    await waitFor('Right running on c', () => health(c.distributed)['Right@1'] === 'running');
    const b = nodes[1];
    // As a SIGKILL leaves it: the liveness connection ends, nothing else happens on c.
    await (c.distributed as unknown as { lock: { release(): Promise<void> } }).lock.release();
    const asked = Date.now();
    await b.startAgent('Right@1');
    await waitFor('Right running on b', () => health(b)['Right@1'] === 'running');
    expect(Date.now() - asked).toBeLessThan(5_000);
    await tickAll('Right', 4);
    await waitFor('Right applied on b', async () => (await doc('right', 'Right-0'))?.versions.length === 2);
    // c's agent, still running as if paused, is fenced out: its next commit fails and it stops.
    await waitFor("c's agent fenced out", () => !c.daemon.owns('Right'));
  });
});
