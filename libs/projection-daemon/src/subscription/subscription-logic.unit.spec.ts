import { etaMs, RateMeter } from '../agent/agent-progress';
import { shouldPauseFetching } from './backpressure';
import { retryDelayMs } from './retry-delay';
import { StagingQueue } from './staging-queue';
import { standbyRetryDelayMs } from '../hot-cold/standby-interval';

const limits = { high: 1000, low: 500 };

describe('shouldPauseFetching', () => {
  it.each([
    [1000, false, false],
    [1001, false, true],
    [700, true, true],
    [500, true, true],
    [499, true, false],
  ])('staged %i, paused %s → %s', (staged, paused, expected) => {
    expect(shouldPauseFetching(staged, paused, limits)).toBe(expected);
  });
});

describe('retryDelayMs', () => {
  const policy = { attempts: 5, initialDelayMs: 100, maxDelayMs: 1000 };
  it('doubles per attempt within jitter and stays under the cap', () => {
    expect(retryDelayMs(1, policy, () => 0)).toBe(50);
    expect(retryDelayMs(1, policy, () => 1)).toBe(100);
    expect(retryDelayMs(3, policy, () => 1)).toBe(400);
    expect(retryDelayMs(10, policy, () => 1)).toBe(1000);
  });
});

describe('standbyRetryDelayMs', () => {
  it('stays within its bounds', () => {
    expect(standbyRetryDelayMs(300, 900, () => 0)).toBe(300);
    expect(standbyRetryDelayMs(300, 900, () => 0.999999)).toBe(900);
  });
});

describe('RateMeter and etaMs', () => {
  it('converges to a steady rate and decays when idle', () => {
    const meter = new RateMeter(1000);
    for (let t = 0; t <= 10_000; t += 100) meter.record(100, t);
    expect(meter.perSecond(10_000)).toBeCloseTo(1000, -1);
    expect(meter.perSecond(20_000)).toBeLessThan(10);
  });

  it('reports 0 once the decayed rate is below a hundredth of an event per second, not 3.47e-30', () => {
    const meter = new RateMeter(1000);
    for (let t = 0; t <= 10_000; t += 100) meter.record(100, t);
    expect(meter.perSecond(27_000)).toBeGreaterThan(0.01);
    expect(meter.perSecond(40_000)).toBe(0);
    expect(meter.perSecond(120_000)).toBe(0);
  });

  it('estimates the remaining time', () => {
    expect(etaMs(5000, 1000)).toBe(5000);
    expect(etaMs(0, 0)).toBe(0);
    expect(etaMs(10, 0)).toBeUndefined();
  });
});

describe('StagingQueue', () => {
  const page = (n: number, p: number) => ({
    events: Array.from({ length: n }, (_, i) => ({ position: p + i }) as never),
    count: n,
    next: { transactionId: 1, position: p + n },
  });

  it('takes whole pages up to a limit, at least one page, and counts what is staged', () => {
    const queue = new StagingQueue();
    queue.push(page(3, 0));
    queue.push(page(3, 3));
    queue.push(page(5, 6));
    expect(queue.staged).toBe(11);
    const first = queue.take(6);
    expect(first?.events).toHaveLength(6);
    expect(first?.next).toEqual({ transactionId: 1, position: 6 });
    expect(queue.take(2)?.events).toHaveLength(5);
    expect(queue.staged).toBe(0);
    expect(queue.take(10)).toBeUndefined();
  });

  it('leaves pages undecoded until they are taken', () => {
    const queue = new StagingQueue();
    const decoded: number[] = [];
    const lazyPage = (n: number, p: number) => {
      const plain = page(n, p);
      return {
        count: n,
        next: plain.next,
        get events() {
          decoded.push(p);
          return plain.events;
        },
      };
    };
    queue.push(lazyPage(4, 0));
    queue.push(lazyPage(4, 4));
    queue.push(lazyPage(4, 8));
    expect(queue.staged).toBe(12);
    expect(decoded).toEqual([]);
    // A single page is handed over as it is: its reader decodes it.
    expect(queue.take(4)?.count).toBe(4);
    expect(decoded).toEqual([]);
    expect(queue.take(8)?.events.map((e) => e.position)).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
    expect(decoded).toEqual([4, 8]);
  });
});
