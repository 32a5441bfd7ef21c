import { singleStreamProjection } from '@projectionist/projections';
import { waitFor } from '@projectionist/testing';
import { BatchStorage } from '../agent/batch-committer';
import { createDaemonFixture, DaemonFixture } from '../testing/daemon-fixture';
import { CheckpointKey } from './checkpoint-store';
import { commitDocumentsFenced } from './fenced-document-commit';
import { LeaseLostError } from './lease-fence';
import { ensureProjectionTable } from './projection-tables';
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
    const client = await f.pool.connect();
    await ensureProjectionTable(client, target).finally(() => client.release());
    await storage.checkpoints.load(key);
  });
  afterAll(() => f.close());

  const state = async () => {
    const { rows: docs } = await f.pool.query(`SELECT id, data, last_position FROM ${target.qualifiedTable} ORDER BY id`);
    const checkpoint = await storage.checkpoints.load(key);
    return { docs: docs.map((d) => [d.id, d.data.n, Number(d.last_position)]), cursor: checkpoint.cursor, lastPosition: checkpoint.lastPosition };
  };
  const upserts = (...docs: [string, number, number][]) => ({ upserts: docs.map(([id, n, lastPosition]) => ({ id, data: { n }, lastPosition })), deletes: [] as string[] });

  it('writes the documents, deletes and the checkpoint together while the epoch is current', async () => {
    const epoch = await storage.fence.claim('Fenced', 'node-1');
    await commitDocumentsFenced(storage, target.qualifiedTable, key, epoch, upserts(['a', 1, 1], ['b', 1, 2]), { transactionId: 10, position: 2 }, 2);
    await commitDocumentsFenced(storage, target.qualifiedTable, key, epoch, { upserts: [{ id: 'a', data: { n: 2 }, lastPosition: 3 }], deletes: ['b'] }, { transactionId: 11, position: 3 }, 3);
    expect(await state()).toEqual({ docs: [['a', 2, 3]], cursor: { transactionId: 11, position: 3 }, lastPosition: 3 });
  });

  it('writes nothing for an epoch that was taken over', async () => {
    const stale = await storage.fence.claim('Fenced', 'node-1');
    await storage.fence.claim('Fenced', 'node-2');
    const before = await state();
    await expect(commitDocumentsFenced(storage, target.qualifiedTable, key, stale, upserts(['a', 9, 9], ['c', 9, 9]), { transactionId: 20, position: 9 }, 9)).rejects.toBeInstanceOf(LeaseLostError);
    expect(await state()).toEqual(before);
  });

  it('waits for a takeover in progress, then writes nothing once it commits', async () => {
    const epoch = await storage.fence.claim('Fenced', 'node-1');
    const before = await state();
    const takeover = await f.pool.connect();
    try {
      await takeover.query('BEGIN');
      await takeover.query(`UPDATE ${leases} SET epoch = epoch + 1, holder = 'node-2' WHERE projection = 'Fenced'`);
      let settled = false;
      const commit = commitDocumentsFenced(storage, target.qualifiedTable, key, epoch, upserts(['a', 7, 7]), { transactionId: 30, position: 7 }, 7).finally(() => (settled = true));
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
