import { nodeStatus } from './node-status';

describe('nodeStatus', () => {
  const now = new Date('2026-01-01T00:00:10Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);

  it.each([
    [0, 'up'],
    [4000, 'up'],
    [4001, 'late'],
    [10_000, 'late'],
    [10_001, 'down'],
  ])('a heartbeat %i ms old with a 2 s interval is %s', (age, expected) => {
    expect(nodeStatus(ago(age), null, 2000, now)).toBe(expected);
  });

  it('says stopped for a node that signed off, however recent its heartbeat', () => {
    expect(nodeStatus(ago(0), ago(0), 2000, now)).toBe('stopped');
  });
});
