import { createTestNamespace, TestNamespace, waitFor } from '@projectionist/testing';
import { Pool } from 'pg';
import { runMigrations } from '../migrations/run-migrations';
import { createEventStorePool } from '../postgres/event-store-pool';
import { MIN_NOTIFY_GAP_MS } from '../postgres/commit-notifier';
import { PostgresEventStore } from '../postgres/postgres-event-store';
import { FeedFollower } from './feed-follower';
import { readWholeFeed } from './read-whole-feed';
import { FeedNotifications } from './feed-notifications';
import { WakeSignal } from './wake-signal';

describe('FeedNotifications', () => {
  let db: TestNamespace;
  let pool: Pool;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestNamespace('notifications');
    await runMigrations({ databaseUrl: db.databaseUrl, namespace: db.namespace });
    pool = createEventStorePool({ connectionString: db.databaseUrl, max: 4 });
    store = new PostgresEventStore({ pool, namespace: db.namespace });
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('wakes a caught-up follower at once after an append commits, long before its poll', async () => {
    const wake = new WakeSignal();
    const notifications = new FeedNotifications({ databaseUrl: db.databaseUrl, namespace: db.namespace });
    notifications.on('appended', () => wake.notify());
    await notifications.start();
    const seenAt: number[] = [];
    const follower = new FeedFollower({
      store,
      from: (await store.readAll()).next,
      wake,
      pollIntervalMs: 60_000,
      handle: async (page) => void seenAt.push(...page.events.map(() => Date.now())),
    });
    try {
      for (let i = 0; i < 5; i++) {
        await store.append('car-1', [{ type: 'car.repainted', data: { color: `c${i}` } }]);
        const committedAt = Date.now();
        // A transaction open anywhere in the cluster (another test file's seed, say) keeps the event
        // unreadable for a while; the wake-up is measured from when it can be read.
        await readWholeFeed(store, { settleTimeoutMs: 20_000 });
        const readableAt = Date.now();
        await waitFor('follower saw the append', () => seenAt.length === i + 1, { timeoutMs: 2000 });
        expect(seenAt[i] - Math.max(committedAt, readableAt)).toBeLessThan(500);
      }
    } finally {
      await follower.stop();
      await notifications.close();
    }
  }, 120_000);


  it('announces appends made back to back with notifications at least MIN_NOTIFY_GAP_MS apart, the last after the last commit', async () => {
    const notifications = new FeedNotifications({ databaseUrl: db.databaseUrl, namespace: db.namespace });
    const arrivals: number[] = [];
    notifications.on('appended', () => arrivals.push(performance.now()));
    await notifications.start();
    try {
      const appends = 200;
      const firstAt = performance.now();
      for (let i = 0; i < appends; i++) await store.append('car-3', [{ type: 'car.repainted', data: { color: `c${i}` } }]);
      const lastCommitAt = performance.now();
      await waitFor('a notification after the last append', () => arrivals.some((at) => at > lastCommitAt), { timeoutMs: 2000 });
      // One writer appending back to back used to send a notification per append.
      expect(arrivals.length).toBeLessThanOrEqual(Math.ceil((lastCommitAt - firstAt) / MIN_NOTIFY_GAP_MS) + 2);
      expect(arrivals.length).toBeLessThan(appends / 2);
    } finally {
      await notifications.close();
    }
  });

  it('listens again after its connection is killed', async () => {
    const notifications = new FeedNotifications({ databaseUrl: db.databaseUrl, namespace: db.namespace, reconnectDelayMs: 50 });
    const statuses: string[] = [];
    let appended = 0;
    notifications.on('status', (s: string) => statuses.push(s));
    notifications.on('appended', () => appended++);
    notifications.on('error', () => undefined);
    await notifications.start();
    try {
      await pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [
        `${db.namespace}:listen`,
      ]);
      await waitFor('disconnected and listening again', () => statuses.includes('disconnected') && notifications.currentStatus === 'listening');
      await store.append('car-2', [{ type: 'car.repainted', data: { color: 'red' } }]);
      await waitFor('a notification after the reconnect', () => appended > 0);
    } finally {
      await notifications.close();
    }
  });
});
