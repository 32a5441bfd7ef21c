import { FeedCursor } from '../model/feed-cursor';
import { FeedPage } from '../model/feed-page';
import { FeedReadAhead } from './feed-read-ahead';

/** A feed of `pages` full pages of 10 then a short one; page i starts at position 10 * i. */
function fakeFeed(pages: number, options: { afterNext: boolean }) {
  const started: number[] = [];
  const pending = new Map<number, (page: FeedPage) => void>();
  const pageAt = (start: number): FeedPage => {
    const index = start / 10;
    const caughtUp = index >= pages;
    const cursor = (p: number): FeedCursor => ({ transactionId: 1, position: p });
    return {
      events: [],
      count: 0,
      next: cursor(caughtUp ? start : start + 10),
      caughtUp,
      pending: false,
      afterNext: options.afterNext && index + 1 < pages ? cursor(start + 20) : undefined,
    };
  };
  const read = (after: FeedCursor) => {
    started.push(after.position);
    return new Promise<FeedPage>((resolve) => pending.set(after.position, () => resolve(pageAt(after.position))));
  };
  const answer = (position: number) => pending.get(position)?.(pageAt(position));
  return { read, started, answer, inFlight: () => started.filter((p) => pending.has(p)) };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

/** Reads the first page, answering it at once. */
async function firstPage(reads: FeedReadAhead, feed: ReturnType<typeof fakeFeed>): Promise<FeedPage> {
  const page = reads.next({ transactionId: 1, position: 0 });
  feed.answer(0);
  return page;
}

describe('FeedReadAhead', () => {
  it('keeps the next two pages on their way while behind, and hands pages out in cursor order', async () => {
    const feed = fakeFeed(5, { afterNext: true });
    const reads = new FeedReadAhead(feed.read);
    let cursor: FeedCursor = { transactionId: 1, position: 0 };
    const seen: number[] = [];
    for (;;) {
      const next = reads.next(cursor);
      await settle();
      // Answer the reads in reverse order: the later page must not overtake the earlier one.
      for (const position of [...feed.started].reverse()) feed.answer(position);
      const page = await next;
      // Handed out with the next page already on its way.
      if (!page.caughtUp) expect(feed.started).toContain(page.next.position);
      seen.push(cursor.position);
      cursor = page.next;
      if (page.caughtUp) break;
    }
    expect(seen).toEqual([0, 10, 20, 30, 40, 50]);
    // Every page read exactly once.
    expect(feed.started).toEqual([0, 10, 20, 30, 40, 50]);
  });

  it('reads one page ahead when pages do not say where the one after the next starts', async () => {
    const feed = fakeFeed(3, { afterNext: false });
    const reads = new FeedReadAhead(feed.read);
    await firstPage(reads, feed);
    await settle();
    expect(feed.started).toEqual([0, 10]);
  });

  it('starts over from the cursor it is given when that is not where its reads ahead start', async () => {
    const feed = fakeFeed(5, { afterNext: true });
    const reads = new FeedReadAhead(feed.read);
    await firstPage(reads, feed);
    const other = reads.next({ transactionId: 1, position: 30 });
    await settle();
    expect(feed.started).toEqual([0, 10, 20, 30]);
    feed.answer(30);
    expect((await other).next).toEqual({ transactionId: 1, position: 40 });
  });

  it('stops reading ahead at the head, and after clear() a failed read is not reused', async () => {
    const feed = fakeFeed(1, { afterNext: true });
    const reads = new FeedReadAhead(feed.read);
    await firstPage(reads, feed);
    const head = reads.next({ transactionId: 1, position: 10 });
    await settle();
    feed.answer(10);
    expect((await head).caughtUp).toBe(true);
    await settle();
    expect(feed.started).toEqual([0, 10]);

    const failing = new FeedReadAhead(() => Promise.reject(new Error('database restarting')));
    await expect(failing.next({ transactionId: 1, position: 0 })).rejects.toThrow('database restarting');
    failing.clear();
  });
});
