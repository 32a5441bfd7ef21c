import { createTestNamespace, seededRandom, TestNamespace, waitFor } from '@projectionist/testing';
import { Pool } from 'pg';
import { runMigrations } from '../migrations/run-migrations';
import { FEED_START, FeedCursor } from '../model/feed-cursor';
import { RecordedEvent } from '../model/recorded-event';
import { createEventStorePool } from '../postgres/event-store-pool';
import { PostgresEventStore } from '../postgres/postgres-event-store';
import { FeedFollower } from './feed-follower';
import { FeedNotifications } from './feed-notifications';
import { WakeSignal } from './wake-signal';

const WRITERS = 32;
const EVENTS = 20_000;
const STREAMS = 500;
const MAX_PAUSE_MS = 20;
const ROLLBACK_RATE = 0.05;
const RESTARTS = 4;

/**
 * Concurrent transactions commit out of position order. A consumer that follows the feed with
 * checkpoints must still see every committed event exactly once and each stream in version
 * order — the failure a naive `position > checkpoint` reader has. Some transactions roll back
 * (gaps that never fill) and some append to two streams.
 */
describe('gap-free feed under concurrent writers', () => {
  let db: TestNamespace;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestNamespace('gap_free', 2);
    pool = createEventStorePool({ connectionString: db.databaseUrl, max: WRITERS + 4 });
  });
  const runNamespaces: string[] = [];
  afterAll(async () => {
    for (const namespace of runNamespaces) await pool.query(`DROP SCHEMA IF EXISTS "${namespace}" CASCADE`);
    await pool.end();
    await db.drop();
  });

  it.each([1, 2, 3])('run %i: every committed event exactly once, streams in order', async (run) => {
    const namespace = `${db.namespace}_${run}`;
    runNamespaces.push(namespace);
    await runMigrations({ databaseUrl: db.databaseUrl, namespace });
    const store = new PostgresEventStore({ pool, namespace });
    const random = seededRandom(run * 7919);

    // The consumer: a checkpoint and what it has applied, updated together as one page "commit".
    const seen = new Map<string, number>();
    const versions = new Map<string, number[]>();
    let checkpoint: FeedCursor = FEED_START;
    const apply = async (events: readonly RecordedEvent[], next: FeedCursor) => {
      for (const e of events) {
        seen.set(e.id, (seen.get(e.id) ?? 0) + 1);
        versions.set(e.streamId, [...(versions.get(e.streamId) ?? []), e.streamVersion]);
      }
      checkpoint = next;
    };
    const wake = new WakeSignal();
    const notifications = new FeedNotifications({ databaseUrl: db.databaseUrl, namespace });
    notifications.on('appended', () => wake.notify());
    await notifications.start();
    const follow = () =>
      new FeedFollower({ store, from: checkpoint, pageSize: 250, wake, pollIntervalMs: 100, handle: (p) => apply(p.events, p.next) });
    let follower = follow();

    let rolledBack = 0;
    let remaining = EVENTS;
    const writer = async () => {
      while (remaining > 0) {
        const count = Math.min(remaining, 1 + Math.floor(random() * 6));
        remaining -= count;
        const streams = [`s-${Math.floor(random() * STREAMS)}`, `s-${Math.floor(random() * STREAMS)}`];
        const split = random() < 0.2 ? Math.ceil(count / 2) : count;
        const batches = [streams[0], streams[1]].map((stream, i) => ({
          stream,
          events: Array.from({ length: i === 0 ? split : count - split }, () => ({ type: 'tick', data: {} })),
        }));
        const pause = random() * MAX_PAUSE_MS;
        const rollback = random() < ROLLBACK_RATE;
        await store
          .transaction(async (session) => {
            for (const batch of batches.filter((b) => b.events.length > 0)) {
              await session.append(batch.stream, batch.events);
            }
            await new Promise((resolve) => setTimeout(resolve, pause));
            if (rollback) throw new RollbackOnPurpose();
          })
          .catch((error: unknown) => {
            if (!(error instanceof RollbackOnPurpose)) throw error;
            rolledBack++;
            remaining += count;
          });
      }
    };
    const writing = Promise.all(Array.from({ length: WRITERS }, writer));

    // Restart the consumer from its checkpoint a few times while the writers run.
    for (let restart = 0; restart < RESTARTS; restart++) {
      const target = ((restart + 1) * EVENTS) / (RESTARTS + 2);
      await waitFor(`consumer past ${target} events`, () => seen.size >= target, { timeoutMs: 60_000 });
      await follower.stop();
      follower = follow();
    }
    await writing;

    const { rows } = await pool.query(`SELECT event_id, stream_id, stream_version FROM "${namespace}".events ORDER BY position`);
    expect(rows).toHaveLength(EVENTS);
    await waitFor('consumer caught up', () => seen.size === rows.length, { timeoutMs: 30_000 });
    await follower.stop();
    await notifications.close();

    const duplicates = [...seen.values()].filter((n) => n !== 1);
    expect(duplicates).toEqual([]);
    for (const row of rows) expect(seen.has(row.event_id)).toBe(true);
    for (const [stream, seenVersions] of versions) {
      const expected = Array.from({ length: seenVersions.length }, (_, i) => i + 1);
      if (seenVersions.join() !== expected.join()) throw new Error(`${stream} seen out of order: ${seenVersions.join()}`);
    }
    expect(rolledBack).toBeGreaterThan(0);
    // The hazard really happened: events whose position is below one of an older transaction's,
    // i.e. that a `position > checkpoint` reader could have skipped.
    const { rows: late } = await pool.query(
      `SELECT count(*)::int AS n FROM (SELECT position, max(position) OVER (ORDER BY transaction_id, position) AS high
         FROM "${namespace}".events) t WHERE position < high`,
    );
    expect(late[0].n).toBeGreaterThan(0);
  }, 180_000);
});

class RollbackOnPurpose extends Error {}
