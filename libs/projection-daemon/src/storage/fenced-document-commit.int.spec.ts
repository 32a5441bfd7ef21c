import { singleStreamProjection } from '@projectionist/projections';
import { waitFor } from '@projectionist/testing';
import type { BatchStorage } from './batch-storage';
import { createDaemonFixture, DaemonFixture } from '../testing/daemon-fixture';
import { CheckpointKey, CheckpointMovedError } from './checkpoint-store';
import { commitDocumentsFenced } from './fenced-document-commit';
import { LeaseHold, LeaseLostError } from './lease-fence';
import { ensureProjectionTables } from './projection-tables';
import { projectionTarget, ProjectionTarget } from './projection-target';

describe('commitDocumentsFenced', () => {
  let f: DaemonFixture;
  let storage: BatchStorage;
  let leases: string;
  const projection = singleStreamProjection<{ n: number }>({ name: 'Fenced', version: 1, eventTypes: ['tick'], evolve: (doc) => ({ n: (doc?.n ?? 0) + 1 }) });
  const key: CheckpointKey = { projection: 'Fenced', version: 1, slot: 'live' };
  let target: ProjectionTarget;

  beforeAll(async () => {
    f = await createDaemonFixture('fenced_commit');
    storage = f.daemon([]).storage;
    leases = `"${f.db.namespace}".projection_leases`;
    target = projectionTarget(f.db.namespace, projection, 'live');
    await ensureProjectionTables(f.pool, [target]);
    await checkpoint();
  });
  afterAll(() => f.close());

  const checkpoint = async () => {
    const client = await f.pool.connect();
    return storage.checkpoints.loadIn(client, key).finally(() => client.release());
  };
  const state = async () => {
    const { rows: docs } = await f.pool.query(`SELECT id, data, last_position FROM ${target.qualifiedTable} ORDER BY id`);
    const { cursor, lastPosition } = await checkpoint();
    return { docs: docs.map((d) => [d.id, d.data.n, Number(d.last_position)]), cursor, lastPosition };
  };
  /** A node's claim and an agent bound under it. */
  const bound = async (node = 'node-1', epoch?: number): Promise<LeaseHold> => {
    const hold = storage.fence.newHold('Fenced', epoch ?? (await storage.fence.claim('Fenced', node)));
    const client = await f.pool.connect();
    await storage.fence.bind(client, hold).finally(() => client.release());
    return hold;
  };
  const upserts = (...docs: [string, number, number][]) => ({ upserts: docs.map(([id, n, lastPosition]) => ({ id, data: { n }, lastPosition })), deletes: [] as string[] });

  it('writes the documents, deletes and the checkpoint together while the epoch is current', async () => {
    const hold = await bound();
    const from = (await checkpoint()).cursor;
    await commitDocumentsFenced(storage, target.qualifiedTable, key, hold, upserts(['a', 1, 1], ['b', 1, 2]), from, { transactionId: 10, position: 2 }, 2);
    const second = { upserts: [{ id: 'a', data: { n: 2 }, lastPosition: 3 }], deletes: ['b'] };
    await commitDocumentsFenced(storage, target.qualifiedTable, key, hold, second, { transactionId: 10, position: 2 }, { transactionId: 11, position: 3 }, 3);
    expect(await state()).toEqual({ docs: [['a', 2, 3]], cursor: { transactionId: 11, position: 3 }, lastPosition: 3 });
  });

  it('writes nothing for a batch that does not start where the checkpoint stands (never twice, never backwards)', async () => {
    const hold = await bound();
    const before = await state();
    const repeated = commitDocumentsFenced(storage, target.qualifiedTable, key, hold, upserts(['a', 8, 8]), { transactionId: 10, position: 2 }, { transactionId: 11, position: 3 }, 3);
    await expect(repeated).rejects.toBeInstanceOf(CheckpointMovedError);
    const backwards = commitDocumentsFenced(storage, target.qualifiedTable, key, hold, upserts(['z', 1, 1]), { transactionId: 0, position: 0 }, { transactionId: 10, position: 1 }, 1);
    await expect(backwards).rejects.toBeInstanceOf(CheckpointMovedError);
    expect(await state()).toEqual(before);
  });

  it('writes nothing for an agent of the same node and epoch once another agent is bound (agent token)', async () => {
    const first = await bound();
    await bound('node-1', first.epoch);
    const before = await state();
    const commit = commitDocumentsFenced(storage, target.qualifiedTable, key, first, upserts(['a', 9, 9]), before.cursor, { transactionId: 40, position: 9 }, 9);
    await expect(commit).rejects.toBeInstanceOf(LeaseLostError);
    expect(await state()).toEqual(before);
  });

  it('writes nothing for an epoch that was taken over', async () => {
    const stale = await bound();
    await storage.fence.claim('Fenced', 'node-2');
    const before = await state();
    const commit = commitDocumentsFenced(storage, target.qualifiedTable, key, stale, upserts(['a', 9, 9], ['c', 9, 9]), before.cursor, { transactionId: 20, position: 9 }, 9);
    await expect(commit).rejects.toBeInstanceOf(LeaseLostError);
    expect(await state()).toEqual(before);
  });

  it('waits for a takeover in progress, then writes nothing once it commits', async () => {
    const hold = await bound();
    const before = await state();
    const takeover = await f.pool.connect();
    try {
      await takeover.query('BEGIN');
      await takeover.query(`UPDATE ${leases} SET epoch = epoch + 1, holder = 'node-2' WHERE projection = 'Fenced'`);
      let settled = false;
      const commit = commitDocumentsFenced(storage, target.qualifiedTable, key, hold, upserts(['a', 7, 7]), before.cursor, { transactionId: 30, position: 7 }, 7).finally(
        () => (settled = true),
      );
      commit.catch(() => undefined);
      // The commit is blocked on the lease row, not finished.
      await waitFor('commit waiting for the lease row', async () => {
        const { rows } = await f.pool.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'WITH lease AS%'`);
        return rows.length > 0;
      });
      expect(settled).toBe(false);
      await takeover.query('COMMIT');
      await expect(commit).rejects.toBeInstanceOf(LeaseLostError);
    } finally {
      takeover.release();
    }
    expect(await state()).toEqual(before);
  });
});
