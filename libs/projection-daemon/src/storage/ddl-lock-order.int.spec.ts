import { singleStreamProjection } from '@projectionist/projections';
import { waitFor } from '@projectionist/testing';
import { createDaemonFixture, DaemonFixture } from '../testing/daemon-fixture';
import { dropRetiredTable } from './projection-tables';

const counter = (name: string) =>
  singleStreamProjection<{ n: number }>({ name, version: 1, eventTypes: [`count-${name}`], evolve: (doc) => ({ n: (doc?.n ?? 0) + 1 }) });

/**
 * Changes to a projection's tables queue on that projection's DDL lock. A fenced transaction that
 * changes tables must queue there before it locks the projection's lease row: holding the row
 * while it waits would stall the projection's live agent, whose every commit checks the row. And
 * the lock is the projection's own, so one projection's switch never waits for another's DDL.
 */
describe('DDL lock order', () => {
  let f: DaemonFixture;
  beforeAll(async () => {
    f = await createDaemonFixture('ddl_lock_order');
  });
  afterAll(() => f.close());

  /** A change to `projection`'s tables, left open: a transaction that has dropped its retired table. */
  const holdDdl = async (projection: string) => {
    const client = await f.pool.connect();
    await client.query('BEGIN');
    await dropRetiredTable(client, f.db.namespace, counter(projection));
    return client;
  };

  it('keeps applying a projection live while its online rebuild waits for a change to its tables', async () => {
    const name = 'Waiting';
    const daemon = f.daemon([counter(name)]);
    await daemon.start(new Map([[name, await daemon.storage.fence.claim(name, 'node-1')]]));
    await f.store.append(`${name}-1`, [{ type: `count-${name}`, data: {} }]);
    await daemon.waitForNonStale({ timeoutMs: 10_000 });

    // A change to the projection's tables in progress elsewhere: its DDL lock held.
    const other = await holdDdl(name);
    try {
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

  it("switches a projection while another projection's tables are being changed", async () => {
    const name = 'Switching';
    const daemon = f.daemon([counter(name)]);
    await daemon.start(new Map([[name, await daemon.storage.fence.claim(name, 'node-1')]]));
    await f.store.append(`${name}-1`, [{ type: `count-${name}`, data: {} }]);
    const other = await holdDdl('SomeOtherProjection');
    try {
      const result = await Promise.race([
        daemon.rebuild(name, { mode: 'online' }),
        new Promise((resolve) => setTimeout(() => resolve({ status: 'still waiting after 10 s' }), 10_000)),
      ]);
      expect(result).toMatchObject({ status: 'completed' });
    } finally {
      await other.query('ROLLBACK').catch(() => undefined);
      other.release();
    }
  });
});
