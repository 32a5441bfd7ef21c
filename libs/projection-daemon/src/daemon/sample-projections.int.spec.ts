import { createSampleRegistry } from '@projectionist/domain-events';
import { PostgresEventStore, readWholeFeed } from '@projectionist/event-store';
import { sampleProjections } from '@projectionist/projections';
import {
  randomHistory,
  referenceActiveProjects,
  referenceCarViews,
  referenceCommits,
  referenceCustomerViews,
} from '@projectionist/projections/testing';
import { createDaemonFixture, DaemonFixture } from '../testing/daemon-fixture';

/**
 * Issue #3, acceptance 1: random histories over the three sample domains, appended to the real
 * store, projected by the daemon (small pages, so look-ups cross page boundaries) → every
 * projection equals a plain in-memory fold of the same events.
 */
describe('sample projections through the daemon', () => {
  let f: DaemonFixture;
  beforeAll(async () => {
    f = await createDaemonFixture('samples');
  });
  afterAll(() => f.close());

  const view = async (name: string) =>
    Object.fromEntries((await f.pool.query(`SELECT id, data FROM "${f.db.namespace}".${name}`)).rows.map((r) => [r.id, r.data]));

  it.each([101, 202, 303])('seed %i: every projection equals the reference fold', async (seed) => {
    const registry = createSampleRegistry();
    const store = new PostgresEventStore({ pool: f.pool, namespace: f.db.namespace, validator: registry, upcaster: registry });
    const history = randomHistory({ seed, events: 4000, streams: 300 });
    const daemon = f.daemon(sampleProjections, { pageSize: 37, backpressure: { high: 200, low: 100 } }, `node-${seed}`);
    const epochs = new Map<string, number>();
    for (const p of daemon.asyncProjections) epochs.set(p.name, await daemon.storage.fence.claim(p.name, `node-${seed}`));
    await daemon.start(epochs);
    // Appends in batches per stream run, while the daemon projects.
    for (let i = 0; i < history.length; ) {
      let j = i + 1;
      while (j < history.length && j - i < 5 && history[j].streamId === history[i].streamId) j++;
      await store.append(history[i].streamId, history.slice(i, j).map((a) => ({ type: a.type, data: a.data })));
      i = j;
    }
    await daemon.waitForNonStale({ timeoutMs: 60_000 });
    await daemon.stop();
    expect(daemon.progress().filter((p) => p.state === 'error')).toEqual([]);

    const events = await readWholeFeed(store);
    expect(await view('active_project')).toEqual(Object.fromEntries(referenceActiveProjects(events)));
    const cars = Object.fromEntries(Object.entries(await view('car_view')).filter(([, d]) => (d as { docType: string }).docType === 'car'));
    expect(cars).toEqual(Object.fromEntries(referenceCarViews(events)));
    expect(await view('customer_view')).toEqual(Object.fromEntries(referenceCustomerViews(events)));
    const { rows } = await f.pool.query(`SELECT event_id, project_id, user_name, additions, deletions, position FROM "${f.db.namespace}".commits ORDER BY position`);
    expect(rows).toEqual(referenceCommits(events));
  }, 120_000);
});
