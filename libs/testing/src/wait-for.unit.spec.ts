import { seededRandom } from './seeded-random';
import { waitFor } from './wait-for';

describe('waitFor', () => {
  it('returns the first truthy value of the condition', async () => {
    let calls = 0;
    await expect(waitFor('third call', () => (++calls >= 3 ? calls : 0), { intervalMs: 1 })).resolves.toBe(3);
  });

  it('fails naming what it waited for and the last error', async () => {
    const failing = waitFor('the moon', () => Promise.reject(new Error('not yet')), { timeoutMs: 30, intervalMs: 5 });
    await expect(failing).rejects.toThrow('Timed out after 30 ms waiting for: the moon (last error: not yet)');
  });
});

describe('seededRandom', () => {
  it('repeats its sequence for a seed and stays in [0, 1)', () => {
    const a = Array.from({ length: 1000 }, seededRandom(42));
    expect(Array.from({ length: 1000 }, seededRandom(42))).toEqual(a);
    expect(Array.from({ length: 5 }, seededRandom(43))).not.toEqual(a.slice(0, 5));
    expect(a.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
