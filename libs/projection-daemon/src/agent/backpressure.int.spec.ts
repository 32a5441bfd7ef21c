import { CustomProjection } from '@projectionist/projections';
import { waitFor } from '@projectionist/testing';
import { createDaemonFixture, DaemonFixture } from '../testing/daemon-fixture';

describe('backpressure', () => {
  let f: DaemonFixture;
  beforeAll(async () => {
    f = await createDaemonFixture('backpressure');
  });
  afterAll(() => f.close());

  it('keeps the staged events of a slow projection bounded while thousands wait in the feed', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let handled = 0;
    const slow: CustomProjection = {
      kind: 'custom',
      name: 'Slow',
      version: 1,
      mode: 'async',
      eventTypes: ['slow'],
      createTable: (table) => `CREATE TABLE ${table} (n int)`,
      handle: async (events) => {
        await gate;
        handled += events.length;
      },
    };
    for (let i = 0; i < 50; i++) await f.store.append(`slow-${i}`, Array.from({ length: 100 }, () => ({ type: 'slow', data: {} })));
    const daemon = f.daemon([slow], { pageSize: 100, backpressure: { high: 300, low: 150 } });
    await daemon.start(new Map([['Slow', await daemon.storage.fence.claim('Slow', 'node-1')]]));
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, daemon.progress()[0].staged)), 5);
    let stagedWhileBlocked: number;
    try {
      await waitFor('the fetcher to reach the limit', () => daemon.progress()[0].staged > 300);
      // An observation window, not a synchronisation: an unbounded fetcher would stage all 5,000 in it.
      await new Promise((resolve) => setTimeout(resolve, 300));
      stagedWhileBlocked = daemon.progress()[0].staged;
    } finally {
      // Whatever happened, the blocked batch's transaction must end, or it holds the feed of every namespace back.
      release();
    }
    await daemon.waitForNonStale({ timeoutMs: 20_000 });
    clearInterval(sampler);
    expect(handled).toBe(5000);
    // Paused above 300 staged: at most one page more than the limit was ever held.
    expect(stagedWhileBlocked).toBeGreaterThan(300);
    expect(peak).toBeLessThanOrEqual(300 + 100);
    await daemon.stop();
  });
});
