import { advisoryLockArgs } from '@projectionist/event-store';
import { singleStreamProjection } from '@projectionist/projections';
import { waitFor } from '@projectionist/testing';
import { createDaemonFixture, DaemonFixture } from '../testing/daemon-fixture';

const counter = (name: string) =>
  singleStreamProjection<{ n: number }>({ name, version: 1, eventTypes: [`count-${name}`], evolve: (doc) => ({ n: (doc?.n ?? 0) + 1 }) });

/**
 * Table changes of all projections of a namespace queue on one lock (the namespace's DDL lock).
 * A fenced transaction that changes tables must queue there before it locks its projection's
 * lease row: holding the row while it waits would stall that projection's live agent, whose
 * every commit checks the row, behind another projection's table change.
 */
describe('DDL lock order', () => {
  let f: DaemonFixture;
  beforeAll(async () => {
    f = await createDaemonFixture('ddl_lock_order');
  });
  afterAll(() => f.close());

  it('keeps applying a projection live while its online rebuild waits for another projection\'s table change', async () => {
    const name = 'Waiting';
    const daemon = f.daemon([counter(name)]);
    await daemon.start(new Map([[name, await daemon.storage.fence.claim(name, 'node-1')]]));
    await f.store.append(`${name}-1`, [{ type: `count-${name}`, data: {} }]);
    await daemon.waitForNonStale({ timeoutMs: 10_000 });

    // Another projection's table change in progress: the namespace's DDL lock held.
    const other = await f.pool.connect();
    try {
      await other.query('BEGIN');
      await other.query(`SELECT pg_advisory_xact_lock(${advisoryLockArgs('projectionDdl', '$1')})`, [f.db.namespace]);
      const rebuild = daemon.rebuild(name, { mode: 'online' });
      // The rebuild is queued on the DDL lock; the live agent must go on meanwhile.
      await waitFor('the rebuild queued on the DDL lock', async () => {
        const { rows } = await f.pool.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`);
        return rows[0].n > 0;
      }, { timeoutMs: 10_000, intervalMs: 20 });
      const { positions } = await f.store.append(`${name}-2`, [{ type: `count-${name}`, data: {} }]);
      await daemon.waitForNonStale({ position: positions[0], timeoutMs: 3_000 });

      await other.query('COMMIT');
      expect(await rebuild).toMatchObject({ status: 'completed' });
    } finally {
      await other.query('ROLLBACK').catch(() => undefined);
      other.release();
    }
  });
});
