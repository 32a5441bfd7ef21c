import { flatTable, FlatTableProjection, singleStreamProjection } from '@projectionist/projections';
import { Client } from 'pg';
import { EntitySchema } from 'typeorm';
import { waitFor } from '@projectionist/testing';
import { DaemonTuning } from '../daemon/daemon-options';
import { HotColdDaemon } from '../hot-cold/hot-cold-daemon';
import { createDaemonFixture, DaemonFixture } from '../testing/daemon-fixture';
import { positionLedger } from '../testing/position-ledger';

/** Counts events per stream; `slowMs` makes each batch of a replay take that long. */
const counter = (name: string) =>
  singleStreamProjection<{ n: number }>({ name, version: 1, eventTypes: [`count-${name}`], evolve: (doc) => ({ n: (doc?.n ?? 0) + 1 }) });

const positionEntity = (tableName: string) => new EntitySchema({ name: tableName, tableName, columns: { position: { type: 'bigint', primary: true } } });

const slowLedger = (name: string, slowMs: number) => positionLedger(name, `entry-${name}`, slowMs);

describe('rebuilds and leases under faults', () => {
  let f: DaemonFixture;
  beforeAll(async () => {
    f = await createDaemonFixture('rebuild_faults');
  });
  afterAll(() => f.close());

  const q = (sql: string, values: unknown[] = []) => f.pool.query(sql.replace(/%s/g, `"${f.db.namespace}"`), values);
  const exists = async (table: string) => (await q(`SELECT to_regclass($1) AS t`, [`"${f.db.namespace}".${table}`])).rows[0].t !== null;
  const checkpointRows = async (name: string) => (await q(`SELECT slot, state FROM %s.projection_checkpoints WHERE projection = $1 ORDER BY slot`, [name])).rows;
  const started = async (name: string, tuning: Partial<DaemonTuning> = {}, node = 'node-1', projection: Parameters<DaemonFixture['daemon']>[0][number] = counter(name)) => {
    const daemon = f.daemon([projection], tuning, node);
    await daemon.start(new Map([[name, await daemon.storage.fence.claim(name, node)]]));
    return daemon;
  };
  const counts = (name: string, n: number) => Array.from({ length: n }, () => ({ type: `count-${name}`, data: {} }));

  it('keeps views built on the projection through a rebuild and a restart', async () => {
    const daemon = await started('Reported');
    for (let i = 0; i < 10; i++) await f.store.append(`rep-${i % 3}`, counts('Reported', 2));
    await daemon.waitForNonStale();
    await q(`CREATE VIEW %s.reported_totals AS SELECT sum((data->>'n')::int) AS total FROM %s.reported`);
    expect(await daemon.rebuild('Reported')).toMatchObject({ status: 'completed', processed: 20 });
    expect((await q(`SELECT total FROM %s.reported_totals`)).rows[0].total).toBe(20);
    await daemon.stop();
    const again = await started('Reported');
    await f.store.append('rep-0', counts('Reported', 1));
    await again.waitForNonStale();
    expect((await q(`SELECT total FROM %s.reported_totals`)).rows[0].total).toBe(21);
    await again.stop();
  });

  it('fails the run when the swap fails, runs the live agent again and leaves nothing behind', async () => {
    const daemon = await started('Swapless', { swapLockTimeoutMs: 200 });
    await f.store.append('sw-1', counts('Swapless', 3));
    await daemon.waitForNonStale();
    // A long report holding the live table: the swap cannot take its lock in time.
    const reader = await f.pool.connect();
    try {
      await reader.query('BEGIN');
      await reader.query(`SELECT count(*) FROM "${f.db.namespace}".swapless_v1`);
      const result = await daemon.rebuild('Swapless');
      expect(result).toMatchObject({ status: 'failed', error: expect.stringContaining('lock timeout') });
    } finally {
      await reader.query('ROLLBACK');
      reader.release();
    }
    expect(daemon.progress()[0]).toMatchObject({ state: 'running', rebuild: { phase: 'failed' } });
    expect(await exists('swapless_v1__rebuild')).toBe(false);
    expect(await checkpointRows('Swapless')).toEqual([{ slot: 'live', state: 'running' }]);
    const next = await f.store.append('sw-1', counts('Swapless', 1));
    await daemon.waitForNonStale({ position: next.positions[0] });
    expect((await q(`SELECT data FROM %s.swapless WHERE id = 'sw-1'`)).rows[0].data).toEqual({ n: 4 });
    await daemon.stop();
  });

  it('does not swap in before it has applied every event committed before it began, while the feed is held back', async () => {
    const entries = (n: number) => Array.from({ length: n }, () => ({ type: 'entry-Patient', data: {} }));
    const daemon = await started('Patient', { rebuildPageSize: 5, rebuildCommitEvery: 5, rebuildFeedEncoding: 'rows' }, 'node-1', slowLedger('Patient', 0));
    await f.store.append('pt-1', entries(3));
    await daemon.waitForNonStale();
    // Another session's open transaction (an xid) hides every event committed after it began.
    const holder = await f.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT txid_current()');
      await f.store.append('pt-1', entries(4));
      let settled = false;
      const rebuilding = daemon.rebuild('Patient').finally(() => (settled = true));
      await waitFor('rebuild caught up with the readable feed', () => daemon.progress()[0].rebuild?.processed === 3);
      expect(settled).toBe(false);
      await holder.query('COMMIT');
      expect(await rebuilding).toMatchObject({ status: 'completed', processed: 7 });
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
    }
    expect(Number((await q(`SELECT count(*) AS n FROM %s.patient`)).rows[0].n)).toBe(7);
    await daemon.stop();
  });

  it('starts while a long report reads the stable view, without waiting for it', async () => {
    const first = await started('Reread');
    await f.store.append('rr-1', counts('Reread', 2));
    await first.waitForNonStale();
    await first.stop();
    const report = await f.pool.connect();
    try {
      await report.query('BEGIN');
      await report.query(`SELECT count(*) FROM "${f.db.namespace}".reread`);
      const again = await started('Reread');
      await f.store.append('rr-1', counts('Reread', 1));
      await again.waitForNonStale();
      await again.stop();
    } finally {
      await report.query('ROLLBACK');
      report.release();
    }
  });

  it('counts a projection that is not running as stale', async () => {
    const daemon = await started('Halted');
    await f.store.append('h-1', counts('Halted', 1));
    await daemon.waitForNonStale();
    await daemon.stop();
    await expect(daemon.waitForNonStale({ timeoutMs: 300 })).rejects.toThrow('Halted (stopped)');
  });

  it("leaves the new holder's rebuild alone when a node that lost the lease starts one", async () => {
    const name = 'Contested';
    const projection = slowLedger(name, 15);
    const entries = Array.from({ length: 10 }, () => ({ type: `entry-${name}`, data: {} }));
    for (let i = 0; i < 30; i++) await f.store.append(`ct-${i}`, entries);
    const old = await started(name, { rebuildPageSize: 20, rebuildCommitEvery: 20, rebuildFeedEncoding: 'rows' }, 'node-old', projection);
    await old.waitForNonStale({ timeoutMs: 20_000 });
    const current = await started(name, { rebuildPageSize: 20, rebuildCommitEvery: 20, rebuildFeedEncoding: 'rows' }, 'node-new', projection);
    const rebuilding = current.rebuild(name);
    await waitFor('rebuild under way', () => (current.progress()[0].rebuild?.processed ?? 0) > 0, { intervalMs: 1 });
    // The old node either has not noticed yet (its rebuild starts and is fenced out: failed) or
    // has (its agent met the new token and gave the lease up: it refuses). Either way it writes nothing.
    const stale = await old.rebuild(name).catch((error: Error) => ({ status: 'refused', error: error.message }));
    expect(stale).toMatchObject(stale.status === 'refused' ? { error: `This node does not run projection "${name}" now` } : { status: 'failed' });
    expect(await rebuilding).toMatchObject({ status: 'completed', processed: 300 });
    expect(Number((await q(`SELECT count(DISTINCT position) AS n FROM %s.contested`)).rows[0].n)).toBe(300);
    await Promise.all([old.stop(), current.stop()]);
  });

  it('stops on a lease lost while committing the events before a failing one, leaving the state to the new holder', async () => {
    const name = 'Handover';
    // Another node takes the lease over right after the failing batch rolled back: the next
    // check-in, the one committing the events ahead of the failing event, finds it gone.
    const takeover = new Client({ connectionString: f.db.databaseUrl });
    await takeover.connect();
    let poisoned = false;
    const handover: FlatTableProjection = {
      kind: 'flat-table',
      name,
      version: 1,
      mode: 'async',
      eventTypes: [`entry-${name}`, `poison-${name}`],
      retry: { attempts: 1 },
      table: flatTable(positionEntity as (tableName: string) => EntitySchema),
      project: (event) => {
        if (!event.type.startsWith('poison')) return [{ position: event.position }];
        poisoned = true;
        throw new Error('poisoned');
      },
    };
    const daemon = await started(name, {}, 'node-old', handover);
    const fence = daemon.storage.fence;
    const checkIn = fence.checkIn.bind(fence);
    let takenOver = false;
    fence.checkIn = async (...args: Parameters<typeof checkIn>) => {
      if (poisoned && !takenOver) {
        takenOver = true;
        await takeover.query(`UPDATE "${f.db.namespace}".projection_leases SET epoch = epoch + 1, holder = 'node-new', agent = NULL WHERE projection = $1`, [name]);
      }
      return checkIn(...args);
    };
    try {
      await f.store.append('ho-1', [
        { type: `entry-${name}`, data: {} },
        { type: `poison-${name}`, data: {} },
      ]);
      await waitFor('agent stopped', () => daemon.progress()[0].state !== 'running');
      expect(daemon.progress()[0]).toMatchObject({ state: 'stopped', error: null });
      expect(await checkpointRows(name)).toEqual([{ slot: 'live', state: 'running' }]);
      expect(takenOver).toBe(true);
      expect((await q(`SELECT count(*)::int AS n FROM %s.handover`)).rows[0].n).toBe(0);
    } finally {
      await daemon.stop();
      await takeover.end();
    }
  });

  it('reports active only once the daemon has started', async () => {
    const daemon = f.daemon([counter('Gated')], {}, 'gated-node');
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const start = daemon.start.bind(daemon);
    daemon.start = async (epochs) => {
      await gate;
      await start(epochs);
    };
    const hotCold = new HotColdDaemon({ databaseUrl: f.db.databaseUrl, namespace: f.db.namespace, nodeId: 'gated-node', daemon, logger: f.logger, retryMinMs: 20, retryMaxMs: 40 });
    hotCold.start();
    try {
      await waitFor('lease claimed', async () => (await q(`SELECT 1 FROM %s.projection_leases WHERE projection = 'Gated' AND holder = 'gated-node'`)).rows.length > 0);
      expect(hotCold.currentRole).toBe('starting');
      open();
      await waitFor('active', () => hotCold.currentRole === 'active');
      expect(daemon.progress()[0].state).toBe('running');
    } finally {
      open();
      await hotCold.stop();
    }
  });
});
