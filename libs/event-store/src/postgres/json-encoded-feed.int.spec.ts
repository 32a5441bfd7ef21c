import { createTestNamespace, TestNamespace } from '@projectionist/testing';
import { Pool } from 'pg';
import { readWholeFeed } from '../feed/read-whole-feed';
import { FEED_START, FeedCursor } from '../model/feed-cursor';
import { FeedPage, ReadAllOptions } from '../model/feed-page';
import { runMigrations } from '../migrations/run-migrations';
import { createEventStorePool } from './event-store-pool';
import { PostgresEventStore } from './postgres-event-store';

/** Text and JSON that need escaping, non-BMP characters, numbers at the edge of doubles. */
const AWKWARD = ['plain', 'quote " and \\ backslash', 'new\nline\ttab', 'emoji 🚗 ü', '</script>', '\u0001control', "it's"];

describe('json-encoded feed pages', () => {
  let db: TestNamespace;
  let pool: Pool;
  let store: PostgresEventStore;
  const upcasts: number[] = [];

  beforeAll(async () => {
    db = await createTestNamespace('json_feed');
    await runMigrations({ databaseUrl: db.databaseUrl, namespace: db.namespace });
    pool = createEventStorePool({ connectionString: db.databaseUrl, max: 4 });
    const upcaster = {
      upcast: (e: { type: string; data: unknown; schemaVersion: number }) => {
        upcasts.push(e.schemaVersion);
        return e.type === 'old.shape' ? { type: 'new.shape', data: { wrapped: e.data } } : e;
      },
    };
    store = new PostgresEventStore({ pool, namespace: db.namespace, upcaster });
    for (let i = 0; i < 60; i++) {
      const text = AWKWARD[i % AWKWARD.length];
      await store.append(`${['car', 'cust"omer', 'ü-x'][i % 3]}-${text}-${i % 7}`, [
        {
          type: i % 5 === 0 ? 'old.shape' : `type ${text}`,
          data: { text, nested: { list: [1, -2.5, 1e21, 2 ** 53 - 1, null, true], [text]: text }, i },
          metadata: { correlationId: text, schemaVersion: 1 + (i % 3) },
        },
        { type: 'second', data: { i, empty: {}, none: [] } },
      ]);
    }
    await untilReadable();
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  /**
   * Every committed event readable: a transaction open anywhere in the cluster (another test
   * file's, say) holds later events back, and the two encodings must see the same. The wait
   * reads a type no event has: `pending` covers the whole feed, and nothing is decoded.
   */
  const untilReadable = () => readWholeFeed({ readAll: (options) => store.readAll({ ...options, types: ['none'] }) });

  async function readAllPages(options: ReadAllOptions): Promise<FeedPage[]> {
    const pages: FeedPage[] = [];
    let after: FeedCursor = FEED_START;
    for (;;) {
      const page = await store.readAll({ ...options, after });
      pages.push(page);
      after = page.next;
      if (page.caughtUp) return pages;
    }
  }

  /**
   * The pages as plain values. A caught-up page's `next` is the horizon at the moment of its read,
   * which any commit in the cluster moves on, so it is compared apart (`sameHorizonOrLater`).
   */
  const plain = (pages: FeedPage[]) =>
    pages.map((p) => ({ events: p.events, next: p.caughtUp ? 'horizon' : p.next, caughtUp: p.caughtUp, pending: p.pending }));

  /** Expects the later read's caught-up cursor at or past the earlier one's, and past every event. */
  function sameHorizonOrLater(earlier: FeedPage[], later: FeedPage[]): void {
    const [first, second] = [earlier[earlier.length - 1].next, later[later.length - 1].next];
    expect(second.transactionId).toBeGreaterThanOrEqual(first.transactionId);
    const lastEvent = later.flatMap((p) => p.events).pop();
    if (lastEvent) expect(second.transactionId).toBeGreaterThan(lastEvent.transactionId);
  }

  it.each([
    { limit: 7 },
    { limit: 500 },
    { limit: 4, types: ['second', 'new.shape', 'old.shape'] },
    { limit: 3, categories: ['cust"omer'] },
    { limit: 5, types: ['nothing'] },
  ])('gives exactly the pages of row reads (%o)', async (options) => {
    const rows = await readAllPages({ ...options, encoding: 'rows' });
    const json = await readAllPages({ ...options, encoding: 'json' });
    expect(plain(json)).toEqual(plain(rows));
    sameHorizonOrLater(rows, json);
    expect(json.flatMap((p) => p.events).length).toBe(options.types?.includes('nothing') ? 0 : rows.flatMap((p) => p.events).length);
  });

  it('decodes on first access to the events, upcasting each with its stored schema version', async () => {
    upcasts.length = 0;
    const [page] = await readAllPages({ limit: 500, encoding: 'json' });
    expect(upcasts).toHaveLength(0);
    expect(page.events).toHaveLength(120);
    expect(upcasts).toHaveLength(120);
    expect(new Set(upcasts)).toEqual(new Set([1, 2, 3]));
    expect(page.events.filter((e) => e.type === 'old.shape')).toEqual([]);
    expect(page.events.find((e) => e.type === 'new.shape')?.data).toEqual({ wrapped: expect.objectContaining({ i: 0 }) });
  });

  it('says where the page after the next one starts, so a reader can ask for both at once', async () => {
    const pages = await readAllPages({ limit: 9, encoding: 'json' });
    for (let i = 0; i + 2 < pages.length; i++) expect(pages[i].afterNext).toEqual(pages[i + 1].next);
    // Only while the next page is full: the last full page and the short one say nothing.
    expect(pages[pages.length - 1].afterNext).toBeUndefined();
    expect(pages[pages.length - 2].afterNext).toBeUndefined();
  });

  it('reads created_at infinities and BC dates as row reads do', async () => {
    const ns = `"${db.namespace}"`;
    for (const [i, at] of ['infinity', '-infinity', '0044-03-15 12:00:00.123456+00 BC', '1969-12-31 23:59:59.9995+00'].entries()) {
      await pool.query(
        `INSERT INTO ${ns}.events (stream_id, stream_version, category, event_id, type, data, metadata, created_at)
         VALUES ($1, 1, 'time', gen_random_uuid(), 'dated', '{}', '{}', $2)`,
        [`time-${i}`, at],
      );
    }
    await untilReadable();
    const options = { limit: 50, categories: ['time'] };
    const rows = await readAllPages({ ...options, encoding: 'rows' });
    const json = await readAllPages({ ...options, encoding: 'json' });
    expect(plain(json)).toEqual(plain(rows));
    sameHorizonOrLater(rows, json);
    expect(json[0].events.map((e) => e.createdAt)).toEqual([Infinity, -Infinity, expect.any(Date), new Date(-1)]);
  });

  it('refuses an integer beyond 2^53 instead of rounding it, as row reads do', async () => {
    await pool.query(
      `INSERT INTO "${db.namespace}".events (stream_id, stream_version, category, event_id, type, data, metadata)
       VALUES ('huge-1', 9007199254740993, 'huge', gen_random_uuid(), 'huge', '{}', '{}')`,
    );
    await untilReadable();
    const read = (encoding: 'rows' | 'json') => store.readAll({ categories: ['huge'], encoding }).then((p) => p.events);
    await expect(read('rows')).rejects.toThrow(/beyond Number.MAX_SAFE_INTEGER/);
    await expect(read('json')).rejects.toThrow(/beyond Number.MAX_SAFE_INTEGER/);
  });
});
