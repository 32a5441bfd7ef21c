import { FeedCursor, FeedHead, FeedHoldBack } from '@projectionist/event-store';
import { LagInput, projectionLag } from './feed-lag';
import { describeHoldBack, watchHoldBack } from './hold-back-warning';

const NOW = 1_000_000;
const cursor = (transactionId: number, position = 0): FeedCursor => ({ transactionId, position });
/** The head as a refresh sees it while transaction 100 is open and events of 101 have committed. */
const heldHead: FeedHead = { lastPosition: 13, readableCursor: cursor(100), lastCursor: cursor(101, 13) };
const heldBack = (heldBackMs: number, horizon = 100): FeedHoldBack => ({
  horizon,
  firstWaitingPosition: 11,
  since: '2026-12-01T10:00:00.000Z',
  heldBackMs,
  holder: { pid: 4242, applicationName: 'stuck-report', user: 'postgres', database: 'postgres', clientAddress: null, state: 'idle in transaction', transactionStartedAt: null, transactionAgeMs: 61_000, query: 'SELECT txid_current()' },
  otherHolders: [],
});
const agentAt = (at: FeedCursor, overrides: Partial<LagInput> = {}): LagInput => ({ cursor: at, caughtUp: true, lastPosition: 10, lastEventAt: NOW - 50_000, ...overrides });

describe('projectionLag', () => {
  it('given a projection caught up with the horizon while events wait past it, then it lags by those events, for as long as they have waited', () => {
    const lag = projectionLag(agentAt(cursor(100)), { head: heldHead, heldBack: heldBack(7_000) }, NOW);
    expect(lag).toEqual({ lagEvents: 3, lagMs: 7_000, heldBack: heldBack(7_000) });
  });

  it('given a projection that has read the last committed event, then there is no lag and nothing to report', () => {
    const head: FeedHead = { lastPosition: 13, readableCursor: cursor(102), lastCursor: cursor(101, 13) };
    expect(projectionLag(agentAt(cursor(102), { lastPosition: 13 }), { head, heldBack: null }, NOW)).toEqual({ lagEvents: 0, lagMs: 0, heldBack: null });
  });

  it('given a filtered projection whose last applied event is old, when its cursor has passed the head, then it is not lagging', () => {
    const head: FeedHead = { lastPosition: 500, readableCursor: cursor(300), lastCursor: cursor(299, 500) };
    expect(projectionLag(agentAt(cursor(300), { lastPosition: 10 }), { head, heldBack: null }, NOW).lagEvents).toBe(0);
  });

  it('given a projection behind the horizon (catching up), then its lag is measured from its newest applied event', () => {
    const lag = projectionLag(agentAt(cursor(50, 9), { caughtUp: false }), { head: heldHead, heldBack: null }, NOW);
    expect(lag).toEqual({ lagEvents: 3, lagMs: 50_000, heldBack: null });
  });

  it('given an agent short of the last event whose position is already the highest, then it still lags by at least one event', () => {
    const lag = projectionLag(agentAt(cursor(100), { lastPosition: 13 }), { head: heldHead, heldBack: heldBack(500) }, NOW);
    expect(lag.lagEvents).toBe(1);
  });

  it('given no agent (stopped) or no head read yet, then lag comes from positions alone', () => {
    expect(projectionLag({ cursor: undefined, caughtUp: false, lastPosition: 13, lastEventAt: undefined }, { head: heldHead, heldBack: null }, NOW).lagEvents).toBe(0);
    expect(projectionLag(agentAt(cursor(1)), { head: undefined, heldBack: null }, NOW)).toEqual({ lagEvents: 0, lagMs: 0, heldBack: null });
  });
});

describe('watchHoldBack', () => {
  const WARN_AFTER_MS = 10_000;

  it('given a brief hold-back, then nothing is logged', () => {
    expect(watchHoldBack(undefined, heldBack(300), WARN_AFTER_MS)).toEqual({ warnedHorizon: undefined, notice: undefined });
  });

  it('given a hold-back past the threshold, then it warns once for that transaction', () => {
    const first = watchHoldBack(undefined, heldBack(10_000), WARN_AFTER_MS);
    expect(first).toEqual({ warnedHorizon: 100, notice: { kind: 'warn', heldBack: heldBack(10_000) } });
    expect(watchHoldBack(first.warnedHorizon, heldBack(11_000), WARN_AFTER_MS).notice).toBeUndefined();
  });

  it('given a warned hold-back, when another transaction holds the feed long enough, then it warns about that one', () => {
    expect(watchHoldBack(100, heldBack(12_000, 140), WARN_AFTER_MS)).toEqual({ warnedHorizon: 140, notice: { kind: 'warn', heldBack: heldBack(12_000, 140) } });
  });

  it('given a warned hold-back, when the transaction ends, then it says so once', () => {
    const cleared = watchHoldBack(100, null, WARN_AFTER_MS);
    expect(cleared).toEqual({ warnedHorizon: undefined, notice: { kind: 'cleared', horizon: 100 } });
    expect(watchHoldBack(cleared.warnedHorizon, null, WARN_AFTER_MS).notice).toBeUndefined();
    expect(watchHoldBack(100, heldBack(50, 180), WARN_AFTER_MS).notice).toEqual({ kind: 'cleared', horizon: 100 });
  });
});

describe('describeHoldBack', () => {
  it('names the session and how to end it', () => {
    expect(describeHoldBack(heldBack(7_000))).toBe(
      "The feed is held back: committed events have waited 7.0 s behind transaction 100 of pid 4242 (application 'stuck-report', idle in transaction for 61.0 s). " +
        'Commit or end it (SELECT pg_terminate_backend(4242)); idle_in_transaction_session_timeout bounds such sessions.',
    );
    expect(describeHoldBack({ ...heldBack(7_000), holder: null })).toContain('pg_prepared_xacts');
    const other = { ...(heldBack(0).holder as NonNullable<FeedHoldBack['holder']>), pid: 5151 };
    expect(describeHoldBack({ ...heldBack(7_000), otherHolders: [other] })).toContain('After it, the feed also waits for pid 5151.');
  });
});
