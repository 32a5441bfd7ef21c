import { singleStreamProjection } from '@projectionist/projections';
import { waitFor } from '@projectionist/testing';
import { ProjectionWatermark } from './projection-watermark';
import { createDaemonFixture, DaemonFixture } from '../testing/daemon-fixture';

const STREAMS = 300;

/** One document per stream; v2 counts the same events twice as heavily, so readers can tell the versions apart. */
const tally = (version: number) =>
  singleStreamProjection<{ n: number }>({ name: 'Tally', version, eventTypes: ['tallied'], evolve: (doc) => ({ n: (doc?.n ?? 0) + version }) });

describe('a new version of a projection', () => {
  let f: DaemonFixture;
  beforeAll(async () => {
    f = await createDaemonFixture('version_switch');
  });
  afterAll(() => f.close());

  const q = (sql: string, values: unknown[] = []) => f.pool.query(sql.replace(/%s/g, `"${f.db.namespace}"`), values);
  const viewTotals = async () => (await q(`SELECT count(*)::int AS docs, coalesce(sum((data->>'n')::int), 0)::int AS total FROM %s.tally`)).rows[0];
  const started = async (version: number, tuning = {}) => {
    const daemon = f.daemon([tally(version)], tuning);
    await daemon.start(new Map([['Tally', await daemon.storage.fence.claim('Tally', 'node-1')]]));
    return daemon;
  };

  it('is built beside the one readers use, and readers move to it in one step once it has caught up', async () => {
    const v1 = await started(1);
    for (let i = 0; i < STREAMS; i++) await f.store.append(`tally-${i}`, [{ type: 'tallied', data: {} }]);
    await v1.waitForNonStale({ timeoutMs: 20_000 });
    await v1.stop();
    expect(await viewTotals()).toEqual({ docs: STREAMS, total: STREAMS });

    // Small pages and commits (a new version catches up in rebuildCommitEvery batches): v2's build
    // takes many commits, and readers sample it throughout.
    const v2 = await started(2, { pageSize: 10, liveCommitEvery: 10, rebuildCommitEvery: 10 });
    const seen: string[] = [];
    let switched = false;
    while (!switched) {
      const { docs, total } = await viewTotals();
      seen.push(`${docs}/${total}`);
      switched = total === 2 * STREAMS;
      if (!switched) expect({ docs, total }).toEqual({ docs: STREAMS, total: STREAMS });
      if (seen.length > 20_000) throw new Error('v2 never became the view');
    }
    expect(seen.length).toBeGreaterThan(1);
    // Logged just after the switch commits, which a reader may see first.
    await waitFor('the switch logged', () => f.logs.some((l) => l.includes('readers moved to the new version')));

    // From now on v2 is what readers see and what read-your-writes waits for.
    const next = await f.store.append('tally-0', [{ type: 'tallied', data: {} }]);
    await new ProjectionWatermark(f.pool, f.store, f.db.namespace).waitFor('Tally', next.positions[0], 10_000);
    expect(await viewTotals()).toEqual({ docs: STREAMS, total: 2 * STREAMS + 2 });
    await v2.stop();
  });

  it('waits, for read-your-writes, on the version readers see, not on a newer one still being built', async () => {
    // Tally v2 is the view now; v3 starts building and is stopped before it has caught up.
    const v3 = await started(3, { pageSize: 1, rebuildPageSize: 1, liveCommitEvery: 1, rebuildCommitEvery: 1 });
    await waitFor('v3 has committed something', async () => (await q(`SELECT count(*)::int AS n FROM %s.tally_v3`)).rows[0].n > 0);
    await v3.stop();
    expect((await viewTotals()).total).toBe(2 * STREAMS + 2);
    const { rows } = await q(`SELECT max(position)::bigint AS p FROM %s.events`);
    // v2 applied the last event; v3 has not: the wait answers at once for the view's version.
    await new ProjectionWatermark(f.pool, f.store, f.db.namespace).waitFor('Tally', Number(rows[0].p), 1_000);
  });
});
