import { waitFor } from '@projectionist/testing';
import { InMemoryEventStore } from '../in-memory/in-memory-event-store';
import { FEED_START } from '../model/feed-cursor';
import { ReadAllOptions } from '../model/feed-page';
import { FeedFollower } from './feed-follower';
import { WakeSignal } from './wake-signal';

describe('FeedFollower', () => {
  const store = new InMemoryEventStore();
  const limits: number[] = [];
  const counting = { readAll: (options: ReadAllOptions) => (limits.push(options.limit ?? 0), store.readAll(options)) };
  const append = async (n: number) => {
    for (let i = 0; i < n; i++) await store.append(`s-${i % 7}`, [{ type: 'happened', data: { i } }]);
  };

  it('given a backlog, when it reads with whileBehind, then it reads catch-up pages after the first full page and its own size once caught up', async () => {
    await append(57);
    const seen: number[] = [];
    const wake = new WakeSignal();
    const follower = new FeedFollower({ store: counting, from: FEED_START, pageSize: 5, whileBehind: { pageSize: 20 }, wake, handle: (page) => void seen.push(...page.events.map((e) => e.position)) });
    try {
      await waitFor('the backlog read', () => seen.length === 57, { timeoutMs: 5_000 });
    // 5 (full: behind) → 20, 20 → 20 (12 read: caught up).
    expect(limits).toEqual([5, 20, 20, 20]);
    await append(3);
    wake.notify();
      await waitFor('the new events read', () => seen.length === 60, { timeoutMs: 5_000 });
      expect(limits.slice(4)).toEqual([5]);
      expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    } finally {
      await follower.stop();
    }
  });
});
