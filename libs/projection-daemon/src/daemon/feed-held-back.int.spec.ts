import { singleStreamProjection } from '@projectionist/projections';
import { waitFor } from '@projectionist/testing';
import { FeedHoldBack } from '@projectionist/event-store';
import { Client } from 'pg';
import { createDaemonFixture, DaemonFixture } from '../testing/daemon-fixture';
import { ProjectionDaemon } from './projection-daemon';
import { ProjectionWatermark, StaleReadTimeoutError } from './projection-watermark';

/**
 * The feed reads only below the oldest transaction still running anywhere on the server, so one
 * session of another application left idle in a transaction stops every projection. That stall
 * must show: lag measured from the head of the events table, and the holder named.
 */
describe('a transaction held open by another application', () => {
  let f: DaemonFixture;
  const holders: Client[] = [];
  beforeAll(async () => {
    f = await createDaemonFixture('held_back');
  });
  afterAll(async () => {
    await Promise.all(holders.map((h) => h.end()));
    await f.close();
  });

  const counter = (name: string) =>
    singleStreamProjection<{ n: number }>({ name, version: 1, eventTypes: [`tick-${name}`], evolve: (doc, _event) => ({ n: (doc?.n ?? 0) + 1 }) });
  const ticks = (n: number, name: string) => Array.from({ length: n }, () => ({ type: `tick-${name}`, data: {} }));
  const start = async (daemon: ProjectionDaemon) => {
    const epochs = new Map<string, number>();
    for (const p of daemon.asyncProjections) epochs.set(p.name, await daemon.storage.fence.claim(p.name, 'node-1'));
    await daemon.start(epochs);
  };
  /**
   * The report names the session at the horizon first; another test file's transaction, older
   * than ours, may be there for a moment, with ours among the other holders.
   */
  const sessionIn = (heldBack: FeedHoldBack | null | undefined, pid: number) => (heldBack ? [heldBack.holder, ...heldBack.otherHolders] : []).find((h) => h?.pid === pid);
  /** Another application's session that takes a transaction id and then sits idle in its transaction. */
  const holdTransaction = async () => {
    // Unique per file: other test files on the same server may hold transaction ids of their own.
    const applicationName = `stuck-report:${f.db.namespace}`;
    const client = new Client({ connectionString: f.db.databaseUrl, application_name: applicationName });
    holders.push(client);
    await client.connect();
    await client.query('BEGIN');
    const { rows } = await client.query('SELECT txid_current() AS xid, pg_backend_pid() AS pid');
    return { client, applicationName, pid: Number(rows[0].pid) };
  };

  it('reports the projection as lagging and names the holder until it commits, then catches up', async () => {
    const daemon = f.daemon([counter('Held')], { progressIntervalMs: 50, heldBackWarnMs: 300 });
    await start(daemon);
    const before = await f.store.append('held-0', ticks(1, 'Held'));
    await daemon.waitForNonStale({ position: before.positions[0] });

    const holder = await holdTransaction();
    const appended = await f.store.append('held-1', ticks(3, 'Held'));
    // Once the daemon has seen the new head, the projection is behind it: not lag 0.
    const behind = await waitFor('the new head seen', () => daemon.progress().find((p) => p.head === appended.positions[2]));
    expect(behind.lagEvents).toBe(3);
    const held = await waitFor(
      'the projection reported as held back by the holder',
      () => {
        const p = daemon.progress()[0];
        return sessionIn(p.heldBack, holder.pid) ? p : undefined;
      },
      { timeoutMs: 5_000 },
    );
    expect(held.lagEvents).toBe(3);
    expect(held.position).toBe(before.positions[0]);
    expect(sessionIn(held.heldBack, holder.pid)).toMatchObject({ applicationName: holder.applicationName, state: 'idle in transaction' });
    expect(held.heldBack?.firstWaitingPosition).toBe(appended.positions[0]);

    // The report is refreshed while the hold lasts: its age grows, and past the threshold it is logged once.
    const firstAge = sessionIn(held.heldBack, holder.pid)?.transactionAgeMs ?? 0;
    await waitFor('the hold-back age growing', () => (sessionIn(daemon.progress()[0].heldBack, holder.pid)?.transactionAgeMs ?? 0) > firstAge + 100, { timeoutMs: 5_000 });
    await waitFor('a warning naming the holder', () => f.logs.some((l) => l.startsWith('warn') && l.includes('feed held back') && l.includes(`pid ${holder.pid}`)));
    expect(daemon.progress()[0].lagMs).toBeGreaterThan(0);
    const row = await waitFor('the hold-back written for other apps', async () => {
      const { rows } = await f.pool.query(`SELECT lag_events, held_back FROM "${f.db.namespace}".projection_progress WHERE projection = 'Held'`);
      return sessionIn(rows[0]?.held_back, holder.pid) ? rows[0] : undefined;
    });
    expect(Number(row.lag_events)).toBe(3);

    await holder.client.query('COMMIT');
    await daemon.waitForNonStale({ position: appended.positions[2] });
    const caughtUp = await waitFor('the report cleared', () => {
      const p = daemon.progress()[0];
      return p.heldBack === null && p.lagEvents === 0 ? p : undefined;
    });
    expect(caughtUp.position).toBe(appended.positions[2]);
    await waitFor('the end of the hold logged', () => f.logs.some((l) => l.includes('feed no longer held back')));
    await daemon.stop();
  });

  it('a read-your-writes wait that times out says which session holds the feed back', async () => {
    const daemon = f.daemon([counter('Waited')], { progressIntervalMs: 50 });
    await start(daemon);
    const holder = await holdTransaction();
    const appended = await f.store.append('waited-1', ticks(1, 'Waited'));
    await waitFor('the hold-back written for other apps', async () => {
      const { rows } = await f.pool.query(`SELECT held_back FROM "${f.db.namespace}".projection_progress WHERE projection = 'Waited'`);
      return sessionIn(rows[0]?.held_back, holder.pid);
    });
    const watermark = new ProjectionWatermark(f.pool, f.store, f.db.namespace);
    const timedOut = await watermark.waitFor('Waited', appended.positions[0], 200).catch((error: Error) => error);
    expect(timedOut).toMatchObject({ name: 'StaleReadTimeoutError' });
    expect(sessionIn((timedOut as StaleReadTimeoutError).heldBack, holder.pid)?.applicationName).toBe(holder.applicationName);
    expect((timedOut as Error).message).toContain(`pid ${holder.pid}`);
    await holder.client.query('COMMIT');
    await watermark.waitFor('Waited', appended.positions[0], 5_000);
    await daemon.stop();
  });
});
