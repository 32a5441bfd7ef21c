import { DocumentProjection, singleStreamProjection } from '@projectionist/projections';
import { waitFor } from '@projectionist/testing';
import { createDaemonFixture, DaemonFixture } from '../testing/daemon-fixture';
import { ProjectionDaemon } from './projection-daemon';
import { opsCounters } from '@projectionist/observability';

/** A counter's value for exactly these labels, as a scrape would show it. */
async function counted(counter: { get(): Promise<{ values: { labels: object; value: number }[] }> }, labels: object): Promise<number> {
  const values = (await counter.get()).values;
  return values.find((v) => JSON.stringify(v.labels) === JSON.stringify(labels))?.value ?? 0;
}

interface Tally {
  versions: number[];
}

/** Fails loudly on a duplicate or out-of-order event, so any double-apply shows up. */
const tally = (name: string, extra: Partial<DocumentProjection<Tally>> = {}): DocumentProjection<Tally> => ({
  ...singleStreamProjection<Tally>({
    name,
    version: 1,
    eventTypes: [`tick-${name}`, `poison-${name}`],
    evolve: (doc, event) => {
      if (event.type.startsWith('poison')) throw new Error(`poisoned at v${event.streamVersion}`);
      const versions = doc?.versions ?? [];
      const expected = (versions[versions.length - 1] ?? 0) + 1;
      if (event.streamVersion !== expected) throw new Error(`out of order: got v${event.streamVersion}, expected v${expected}`);
      return { versions: [...versions, event.streamVersion] };
    },
  }),
  retry: { attempts: 2, initialDelayMs: 5, maxDelayMs: 10 },
  ...extra,
});

describe('ProjectionDaemon', () => {
  let f: DaemonFixture;
  beforeAll(async () => {
    f = await createDaemonFixture('daemon');
  });
  afterAll(() => f.close());

  const start = async (daemon: ProjectionDaemon) => {
    const epochs = new Map<string, number>();
    for (const p of daemon.asyncProjections) epochs.set(p.name, await daemon.storage.fence.claim(p.name, 'node-1'));
    await daemon.start(epochs);
  };
  const docs = async (view: string) =>
    new Map((await f.pool.query(`SELECT id, data FROM "${f.db.namespace}".${view}`)).rows.map((r) => [r.id, r.data]));
  // Each test's projection reads its own event types, so tests sharing the namespace stay apart.
  const ticks = (n: number, name: string) => Array.from({ length: n }, () => ({ type: `tick-${name}`, data: {} }));
  const poison = (name: string) => [{ type: `poison-${name}`, data: {} }];

  it('applies every event exactly once, in order, and waits for non-stale reads', async () => {
    const daemon = f.daemon([tally('Tally')]);
    await start(daemon);
    for (let i = 0; i < 30; i++) await f.store.append(`s-${i % 7}`, ticks(1 + (i % 3), 'Tally'));
    const last = await f.store.append('s-0', ticks(1, 'Tally'));
    await daemon.waitForNonStale({ position: last.positions[0], timeoutMs: 5000 });
    const tallies = await docs('tally');
    for (const [id, doc] of tallies) {
      const stream = await f.store.readStream(id);
      expect(doc.versions).toEqual(stream.map((e) => e.streamVersion));
    }
    expect(tallies.size).toBe(7);
    const progress = daemon.progress()[0];
    expect(progress).toMatchObject({ name: 'Tally', state: 'running', position: last.positions[0] });
    await daemon.stop();
  });

  it('following the head, reads the feed at most once per read gap however many notifications arrive', async () => {
    let reads = 0;
    const store = Object.create(f.store) as typeof f.store;
    store.readAll = (options) => {
      reads++;
      return f.store.readAll(options);
    };
    const daemon = new ProjectionDaemon({
      pool: f.pool,
      store,
      namespace: f.db.namespace,
      nodeId: 'node-1',
      projections: [tally('Gap')],
      logger: f.logger,
      tuning: { pollIntervalMs: 60_000, liveReadGapMs: 25 },
    });
    // No listener here: the test wakes the daemon itself, and its poll is a minute away.
    const appendAndWake = async () => {
      const result = await f.store.append('g-1', ticks(1, 'Gap'));
      daemon.notifyAppended();
      return result.positions[0];
    };
    try {
      await start(daemon);
      await daemon.waitForNonStale({ position: await appendAndWake(), timeoutMs: 5000 });
      // A notification every millisecond or so, as under a steady stream of small appends.
      reads = 0;
      const started = Date.now();
      while (Date.now() - started < 500) {
        daemon.notifyAppended();
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      const elapsed = Date.now() - started;
      expect(reads).toBeGreaterThan(0);
      expect(reads).toBeLessThanOrEqual(Math.ceil(elapsed / 25) + 2);
      // Still prompt: an append is applied within a gap or so of its notification.
      await daemon.waitForNonStale({ position: await appendAndWake(), timeoutMs: 2000 });
      expect((await docs('gap')).get('g-1')).toEqual({ versions: [1, 2] });
    } finally {
      await daemon.stop();
    }
  });

  it('stops in the error state with the event and error visible (stop policy)', async () => {
    const daemon = f.daemon([tally('Stopper')]);
    await start(daemon);
    await f.store.append('p-1', ticks(2, 'Stopper'));
    const poisoned = await f.store.append('p-1', poison('Stopper'));
    await f.store.append('p-1', ticks(1, 'Stopper'));
    await waitFor('error state', () => daemon.progress()[0].state === 'error');
    expect(daemon.progress()[0].error).toMatchObject({ eventPosition: poisoned.positions[0], eventType: 'poison-Stopper', streamId: 'p-1' });
    expect(daemon.progress()[0].error?.message).toContain('poisoned at v3');
    // The durable state follows the in-memory one once its write commits.
    const durable = async () =>
      (await f.pool.query(`SELECT state, error FROM "${f.db.namespace}".projection_checkpoints WHERE projection = 'Stopper'`)).rows[0];
    await waitFor('error state recorded', async () => (await durable()).state === 'error');
    expect(await durable()).toMatchObject({ state: 'error', error: expect.objectContaining({ eventPosition: poisoned.positions[0] }) });
    // Events before the poison are applied, nothing after it.
    expect((await docs('stopper')).get('p-1')).toEqual({ versions: [1, 2] });
    await daemon.stop();
    // A restart does not silently skip the event: it stays in error.
    const again = f.daemon([tally('Stopper')]);
    await start(again);
    expect(again.progress()[0].state).toBe('error');
    await again.stop();
  });

  it('parks the failing event in the dead-letter table and goes on (dead-letter policy)', async () => {
    const projection = {
      ...tally('Parker'),
      errorPolicy: { kind: 'dead-letter' as const },
      // Versions skip the poisoned one, so this projection only checks they increase.
      evolve: (doc: Tally | undefined, event: { type: string; streamVersion: number }) => {
        if (event.type.startsWith('poison')) throw new Error('bad event');
        return { versions: [...(doc?.versions ?? []), event.streamVersion] };
      },
    } as DocumentProjection<Tally>;
    const daemon = f.daemon([projection]);
    await start(daemon);
    await f.store.append('d-1', ticks(1, 'Parker'));
    const poisoned = await f.store.append('d-1', poison('Parker'));
    const after = await f.store.append('d-1', ticks(1, 'Parker'));
    await daemon.waitForNonStale({ position: after.positions[0] });
    expect((await docs('parker')).get('d-1')).toEqual({ versions: [1, 3] });
    const letters = await daemon.storage.deadLetters.list(f.pool, 'Parker');
    expect(letters).toEqual([{ eventPosition: poisoned.positions[0], eventId: expect.any(String), error: expect.stringContaining('bad event'), attempts: 2 }]);
    expect(daemon.progress()[0].state).toBe('running');
    // One retry within the budget, then the letter: both on /metrics.
    expect(await counted(opsCounters.deadLetters, { projection: 'Parker' })).toBe(1);
    expect(await counted(opsCounters.retries, { projection: 'Parker', kind: 'handler' })).toBe(1);
    await daemon.stop();
  });

  it('rebuilds beside the live table and swaps in a complete copy', async () => {
    const daemon = f.daemon([tally('Rebuilt')], { rebuildPageSize: 7, rebuildCommitEvery: 20 });
    await start(daemon);
    for (let i = 0; i < 20; i++) await f.store.append(`r-${i % 5}`, ticks(3, 'Rebuilt'));
    await daemon.waitForNonStale();
    const before = await docs('rebuilt');
    // Corrupt the live table: the rebuild must not read from it.
    await f.pool.query(`UPDATE "${f.db.namespace}".rebuilt_v1 SET data = '{"versions":[]}'`);
    const result = await daemon.rebuild('Rebuilt');
    expect(result).toMatchObject({ status: 'completed' });
    expect(await docs('rebuilt')).toEqual(before);
    expect(daemon.progress()[0].rebuild).toMatchObject({ phase: 'done', processed: result.status === 'completed' ? result.processed : -1 });
    // The live agent runs again after the swap.
    const next = await f.store.append('r-0', ticks(1, 'Rebuilt'));
    await daemon.waitForNonStale({ position: next.positions[0] });
    expect((await docs('rebuilt')).get('r-0').versions).toHaveLength((before.get('r-0') as Tally).versions.length + 1);
    await daemon.stop();
  });

  it('cancels a rebuild, leaving the live table as it was and running again', async () => {
    const daemon = f.daemon([tally('Cancelled')], { rebuildPageSize: 5, rebuildCommitEvery: 5 });
    await start(daemon);
    for (let i = 0; i < 40; i++) await f.store.append(`x-${i % 4}`, ticks(5, 'Cancelled'));
    await daemon.waitForNonStale();
    const before = await docs('cancelled');
    const abort = new AbortController();
    const rebuilding = daemon.rebuild('Cancelled', { signal: abort.signal });
    await waitFor('rebuild under way', () => (daemon.progress()[0].rebuild?.processed ?? 0) > 0, { intervalMs: 1 });
    abort.abort();
    expect(await rebuilding).toMatchObject({ status: 'cancelled' });
    expect(daemon.progress()[0].rebuild).toMatchObject({ phase: 'cancelled' });
    expect(await docs('cancelled')).toEqual(before);
    const { rows } = await f.pool.query(`SELECT to_regclass($1) AS t`, [`"${f.db.namespace}".cancelled_v1__rebuild`]);
    expect(rows[0].t).toBeNull();
    const next = await f.store.append('x-0', ticks(1, 'Cancelled'));
    await daemon.waitForNonStale({ position: next.positions[0] });
    await daemon.stop();
  });

  it('reports a failed rebuild with the event and error, and keeps the live table', async () => {
    const daemon = f.daemon([tally('Failing')], { rebuildPageSize: 5, rebuildCommitEvery: 5 });
    await start(daemon);
    await f.store.append('y-1', ticks(3, 'Failing'));
    await daemon.waitForNonStale();
    const before = await docs('failing');
    // Written straight into the table: an event the live projection never saw but a replay will.
    const { rows: inserted } = await f.pool.query(
      `INSERT INTO "${f.db.namespace}".events (stream_id, stream_version, category, event_id, type, data, metadata, transaction_id)
       VALUES ('y-1', 4, 'y', gen_random_uuid(), 'poison-Failing', '{}', '{}', '1') RETURNING position`,
    );
    const result = await daemon.rebuild('Failing');
    expect(result).toMatchObject({ status: 'failed', eventPosition: Number(inserted[0].position), error: expect.stringContaining('poisoned at v4') });
    expect(daemon.progress()[0].rebuild).toMatchObject({ phase: 'failed', error: expect.stringContaining('poisoned') });
    expect(await docs('failing')).toEqual(before);
    await daemon.stop();
  });

  it('stops applying as soon as another node takes the lease over (fence)', async () => {
    const daemon = f.daemon([tally('Fenced')]);
    await start(daemon);
    const first = await f.store.append('f-1', ticks(1, 'Fenced'));
    await daemon.waitForNonStale({ position: first.positions[0] });
    await daemon.storage.fence.claim('Fenced', 'node-2');
    await f.store.append('f-1', ticks(1, 'Fenced'));
    await waitFor('agent stopped on lost lease', () => daemon.progress()[0].state === 'stopped');
    expect((await docs('fenced')).get('f-1')).toEqual({ versions: [1] });
    await daemon.stop();
  });
});
