import { waitFor } from '@projectionist/testing';
import { DaemonLock } from '../hot-cold/daemon-lock';
import { createDaemonFixture, DaemonFixture } from '../testing/daemon-fixture';
import { nodeLockRole } from '@projectionist/cluster-nodes';
import { AgentLeases } from './agent-leases';

const TTL_MS = 60_000;

describe('agent leases', () => {
  let f: DaemonFixture;
  let leases: AgentLeases;
  const locks: DaemonLock[] = [];

  const alive = async (nodeId: string) => {
    const lock = new DaemonLock(f.db.databaseUrl, f.db.namespace, nodeId, nodeLockRole(nodeId));
    expect(await lock.tryAcquire(() => undefined)).toBe(true);
    locks.push(lock);
    return lock;
  };

  beforeAll(async () => {
    f = await createDaemonFixture('agent_leases');
    leases = new AgentLeases(f.pool, f.db.namespace);
  });
  afterAll(async () => {
    for (const lock of locks) await lock.release();
    await f.close();
  });

  it('refuses a lease a live node holds, and hands it over once that node is gone', async () => {
    const a = await alive('a');
    await alive('b');
    const epoch = await leases.claimIfFree('P1', 'a', TTL_MS);
    expect(epoch).toBe(1);
    expect(await leases.claimIfFree('P1', 'b', TTL_MS)).toBeUndefined();
    await a.release(); // its connection ends, as when the process is killed
    expect(await leases.claimIfFree('P1', 'b', TTL_MS)).toBe(2);
    expect(await leases.renew('a', [{ projection: 'P1', epoch: 1 }], TTL_MS)).toEqual(new Set());
  });

  it('hands a lease over once it expired, though its holder still holds its lock (paused, partitioned)', async () => {
    await alive('c');
    await alive('d');
    expect(await leases.claimIfFree('P2', 'c', 300)).toBe(1);
    expect(await leases.claimIfFree('P2', 'd', TTL_MS)).toBeUndefined();
    const epoch = await waitFor('the lease to expire', () => leases.claimIfFree('P2', 'd', TTL_MS), { timeoutMs: 5_000, intervalMs: 50 });
    expect(epoch).toBe(2);
    expect(await leases.renew('c', [{ projection: 'P2', epoch: 1 }], TTL_MS)).toEqual(new Set());
    expect(await leases.renew('d', [{ projection: 'P2', epoch: 2 }], TTL_MS)).toEqual(new Set(['P2']));
  });

  it('a renewed lease stays; a released one is claimable at once', async () => {
    await alive('e');
    await alive('f');
    expect(await leases.claimIfFree('P3', 'e', 400)).toBe(1);
    // Renewed every poll for three times its ttl: never claimable meanwhile.
    const since = Date.now();
    await waitFor('three ttls of renewals', async () => {
      expect(await leases.renew('e', [{ projection: 'P3', epoch: 1 }], 400)).toEqual(new Set(['P3']));
      expect(await leases.claimIfFree('P3', 'f', TTL_MS)).toBeUndefined();
      return Date.now() - since > 1_200;
    }, { timeoutMs: 5_000, intervalMs: 100 });
    await leases.release({ projection: 'P3', epoch: 1 }, 'e');
    expect(await leases.claimIfFree('P3', 'f', TTL_MS)).toBe(2);
  });
});
