import { FEED_START, FeedCursor, InMemoryEventStore, RecordedEvent, WakeSignal } from '@projectionist/event-store';
import { waitFor } from '@projectionist/testing';
import { LeaseLostError } from '../storage/lease-fence';
import { BatchStrategy, CommitSummary, SubscriptionContext } from './batch-strategy';
import { ErrorPolicy, SubscriptionEnd } from './error-policy';
import { StagedPage } from './staging-queue';
import { Subscription, SubscriptionOptions } from './subscription';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** A strategy that records its commits in memory; `failCommits` makes the next commits fail. */
class RecordingStrategy implements BatchStrategy {
  readonly commits: number[][] = [];
  failCommits: { count: number; error: () => Error } = { count: 0, error: () => new Error('database went away') };
  commitDelay: Promise<void> = Promise.resolve();
  private events: RecordedEvent[] = [];
  private pages = 0;
  private committedCursor: FeedCursor;
  private next: FeedCursor;
  readonly full = false;
  readonly committing = false;

  constructor(private readonly context: SubscriptionContext) {
    this.committedCursor = context.from;
    this.next = context.from;
  }
  get cursor() {
    return this.committedCursor;
  }
  get pending() {
    return this.events.length;
  }
  get open() {
    return this.pages > 0;
  }
  async add(page: StagedPage) {
    this.events.push(...page.events);
    this.next = page.next;
    this.pages++;
  }
  async flush() {
    const events = this.events;
    const next = this.next;
    this.events = [];
    this.pages = 0;
    await this.commitDelay;
    await this.context.withInfraRetries('commit', async () => {
      if (this.failCommits.count > 0) {
        this.failCommits.count--;
        throw this.failCommits.error();
      }
    });
    this.commits.push(events.map((e) => e.position));
    this.committedCursor = next;
    this.context.committed({ count: events.length, positions: events.map((e) => e.position), lastCreatedAt: undefined, cursor: next });
  }
  async settle() {}
  async checkFailed() {}
}

describe('Subscription', () => {
  let store: InMemoryEventStore;
  let strategy: RecordingStrategy;
  let summaries: CommitSummary[];

  const append = async (n: number, type = 'counted') => {
    for (let i = 0; i < n; i++) await store.append(`s-${i % 3}`, [{ type, data: {} }]);
  };
  const subscribe = (options: Partial<SubscriptionOptions> = {}) =>
    new Subscription({
      name: 'test',
      store,
      from: FEED_START,
      types: ['counted'],
      wake: new WakeSignal(),
      logger: quiet,
      policy: new ErrorPolicy({ retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 2 } }, quiet, 'test'),
      strategy: (context) => (strategy = new RecordingStrategy(context)),
      pageSize: 10,
      commitEvery: 25,
      pollIntervalMs: 20,
      onCommitted: (summary) => summaries.push(summary),
      ...options,
    });

  beforeEach(() => {
    store = new InMemoryEventStore();
    summaries = [];
  });

  it('given a backlog, when it runs until caught up, then it commits whole pages in feed order, at most commitEvery each, and ends', async () => {
    await append(57);
    const subscription = subscribe({ until: { caughtUpPast: FEED_START } });
    expect(await subscription.done).toEqual({ kind: 'caught-up' });
    expect(strategy.commits.map((c) => c.length)).toEqual([20, 20, 17]);
    expect(strategy.commits.flat()).toEqual(Array.from({ length: 57 }, (_, i) => i + 1));
    expect(summaries[summaries.length - 1]).toMatchObject({ caughtUp: true, cursor: subscription.cursor });
  });

  it('given maxEventsPerSecond, when it runs a backlog until caught up, then it takes as long as the cap says and applies everything once', async () => {
    await append(57);
    const started = Date.now();
    const subscription = subscribe({ until: { caughtUpPast: FEED_START }, maxEventsPerSecond: 200 });
    expect(await subscription.done).toEqual({ kind: 'caught-up' });
    // Six pages: the last one (events 51–57) is due once the 50 before it were, at 200 a second.
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    expect(strategy.commits.flat()).toEqual(Array.from({ length: 57 }, (_, i) => i + 1));
  });

  it('given a backlog while following the head, when it runs with commitEveryWhileBehind, then it commits full batches of that size until caught up', async () => {
    await append(57);
    const subscription = subscribe({ commitEvery: 5, commitEveryWhileBehind: 30 });
    await waitFor('the backlog committed', () => strategy.commits.flat().length === 57);
    expect(strategy.commits.map((c) => c.length)).toEqual([30, 27]);
    expect(strategy.commits.flat()).toEqual(Array.from({ length: 57 }, (_, i) => i + 1));
    // Caught up, each event is committed as soon as it is read again.
    await append(2);
    await waitFor('the new events committed', () => strategy.commits.flat().length === 59);
    expect(strategy.commits.slice(2).flat()).toEqual([58, 59]);
    await subscription.stop();
  });

  it('given a filtered feed, when only other types follow, then the checkpoint still moves past them', async () => {
    await append(3);
    await append(4, 'ignored');
    const subscription = subscribe({ until: { caughtUpPast: FEED_START } });
    await subscription.done;
    expect(strategy.commits.flat()).toEqual([1, 2, 3]);
    expect(subscription.cursor.position).toBe(7);
  });

  it('given it follows the head, when events arrive, then it commits as soon as nothing more is staged', async () => {
    const wake = new WakeSignal();
    const subscription = subscribe({ wake, pollIntervalMs: 60_000 });
    await append(2);
    wake.notify();
    await waitFor('the two events committed', () => strategy.commits.flat().length === 2);
    expect(subscription.caughtUp).toBe(true);
    expect(await subscription.stop()).toEqual({ kind: 'stopped' });
  });

  it('given it follows the head, when everything read is committed, then it says it is caught up without a commit', async () => {
    await append(3);
    let caughtUp = 0;
    const subscription = subscribe({ pollIntervalMs: 10, onCaughtUp: () => void caughtUp++ });
    await waitFor('caught up reported twice', () => caughtUp >= 2);
    // Reported only with everything read committed: the commit of the three came first.
    expect(strategy.commits.flat()).toEqual([1, 2, 3]);
    expect(summaries).toHaveLength(1);
    await subscription.stop();
  });

  it('given a database error while committing, then it retries the same batch until it lands', async () => {
    await append(5);
    const subscription = subscribe({ until: { caughtUpPast: FEED_START } });
    strategy.failCommits.count = 2;
    expect(await subscription.done).toEqual({ kind: 'caught-up' });
    expect(strategy.commits).toEqual([[1, 2, 3, 4, 5]]);
  });

  it('given the lease is lost while committing, then it ends with lease-lost at once, committing nothing more', async () => {
    await append(5);
    const subscription = subscribe();
    strategy.failCommits = { count: 1, error: () => new LeaseLostError('test', 1) };
    expect(await subscription.done).toEqual({ kind: 'lease-lost' });
    expect(strategy.commits).toEqual([]);
  });

  it('given a strategy that ends the subscription, then the outcome is its own', async () => {
    await append(1);
    const subscription = subscribe({
      strategy: (context) => {
        strategy = new RecordingStrategy(context);
        strategy.add = async () => {
          throw new SubscriptionEnd({ kind: 'error', error: { message: 'boom', at: 'now' } });
        };
        return strategy;
      },
    });
    expect(await subscription.done).toEqual({ kind: 'error', error: { message: 'boom', at: 'now' } });
  });

  it('given a slow strategy, when the backlog is large, then the follower pauses and staged events stay bounded', async () => {
    await append(400);
    let release!: () => void;
    const subscription = subscribe({ backpressure: { high: 50, low: 20 }, until: { caughtUpPast: FEED_START } });
    strategy.commitDelay = new Promise<void>((resolve) => (release = resolve));
    await waitFor('the follower paused', () => subscription.staged > 50);
    const staged = subscription.staged;
    await new Promise((resolve) => setImmediate(resolve));
    expect(subscription.staged).toBe(staged);
    expect(staged).toBeLessThanOrEqual(60);
    release();
    expect(await subscription.done).toEqual({ kind: 'caught-up' });
    expect(strategy.commits.flat()).toHaveLength(400);
  });
});
