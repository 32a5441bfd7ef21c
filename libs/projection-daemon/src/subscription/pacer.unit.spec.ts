import { Pacer } from './pacer';

describe('Pacer', () => {
  it('given 1,000 events/s, when pages of 100 come at once, then each waits until the events before it were due', () => {
    const pacer = new Pacer(1_000);
    expect([0, 1, 2, 3].map(() => pacer.delayFor(100, 5_000))).toEqual([0, 100, 200, 300]);
  });

  it('given a consumer slower than its cap, when a page comes late, then it does not wait', () => {
    const pacer = new Pacer(1_000);
    pacer.delayFor(100, 0);
    expect(pacer.delayFor(100, 250)).toBe(0);
    expect(pacer.delayFor(100, 250)).toBe(0);
    expect(pacer.delayFor(100, 250)).toBe(50);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new Pacer(0)).toThrow(RangeError);
  });
});
