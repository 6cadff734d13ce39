import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { sizedTensors } from './sized.js';

describe('sizedTensors', () => {
  test('gives every tensor the shape its dimension names say, with values in range and one-hot labels', () => {
    const arb = sizedTensors({ m: [1, 4], n: [2, 5] }, { W: { shape: ['m', 'n'] }, x: { shape: ['n'], values: { min: 0, max: 1 } }, y: { shape: ['m'], oneHot: true }, s: { shape: [] } });
    for (const { W, x, y, s } of fc.sample(arb, { numRuns: 200, seed: 7 })) {
      const [m, n] = W.shape;
      expect(m).toBeGreaterThanOrEqual(1);
      expect(m).toBeLessThanOrEqual(4);
      expect(n).toBeGreaterThanOrEqual(2);
      expect(n).toBeLessThanOrEqual(5);
      expect(x.shape).toEqual([n]);
      expect(Array.from(x.data).every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(y.shape).toEqual([m]);
      expect(Array.from(y.data).sort()).toEqual([...new Array<number>(m - 1).fill(0), 1]);
      expect(s.shape).toEqual([]);
      expect(Array.from(W.data).every((v) => Number.isFinite(v) && v >= -3 && v <= 3)).toBe(true);
    }
  });

  test('shrinks dimensions and values independently, down to the smallest failing shape', () => {
    // Fails when n ≥ 3 and W[0][2] > 1: the smallest counterexample is m = 1, n = 3 (m = 2 where row 0 moved).
    const arb = sizedTensors({ m: [1, 8], n: [1, 8] }, { W: { shape: ['m', 'n'] } });
    const details = fc.check(
      fc.property(arb, ({ W }) => !(W.shape[1] >= 3 && W.data[2] > 1)),
      { seed: 42, numRuns: 1000 },
    );
    expect(details.failed).toBe(true);
    const [{ W }] = details.counterexample!;
    expect(W.shape[1]).toBe(3);
    expect(W.shape[0]).toBeLessThanOrEqual(2);
    // Every entry but the one that fails shrinks to 0.
    expect(Array.from(W.data).filter((v) => v !== 0)).toHaveLength(1);
  });

  test('names an unknown dimension in a clear error', () => {
    expect(() => sizedTensors({ m: [1, 2] }, { x: { shape: ['k' as 'm'] } })).toThrow('tensor "x" uses dimension "k", which is not among m');
  });
});
