import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { declaredInputs, float32Value } from './inputs.js';

describe('float32Value', () => {
  test('every value is a float32 number inside the range', () => {
    for (const [min, max] of [[-3, 3], [0.5, 100], [-1e-3, 0], [-2048, 7]] as const) {
      for (const v of fc.sample(float32Value(min, max), { numRuns: 500, seed: 1 })) {
        expect(Math.fround(v)).toBe(v);
        expect(v).toBeGreaterThanOrEqual(min);
        expect(v).toBeLessThanOrEqual(max);
      }
    }
  });

  test('values spread over the range rather than piling up near 0', () => {
    // Uniform on [-3, 3]: P(|v| > 2) = 1/3, P(|v| < 0.1) = 1/30. fc.double gives about 0 and 0.9.
    const xs = fc.sample(float32Value(-3, 3), { numRuns: 4000, seed: 2 });
    const share = (p: (v: number) => boolean) => xs.filter(p).length / xs.length;
    expect(share((v) => Math.abs(v) > 2)).toBeGreaterThan(0.25);
    expect(share((v) => Math.abs(v) < 0.1)).toBeLessThan(0.3);
    expect(share((v) => v === 0)).toBeLessThan(0.02);
  });

  test('shrinks toward 0', () => {
    const r = fc.check(fc.property(float32Value(-3, 3), (v) => Math.abs(v) < 1), { seed: 3 });
    expect(r.failed).toBe(true);
    expect(Math.abs(r.counterexample![0])).toBeLessThan(1.001);
  });

  test('keeps values away from the given points', () => {
    for (const v of fc.sample(float32Value(-1, 1, [0], 0.25), { numRuns: 500, seed: 4 })) expect(Math.abs(v)).toBeGreaterThanOrEqual(Math.fround(0.25) - 1e-9);
  });
});

describe('declaredInputs', () => {
  test('draws each named dimension once per run, shared by every input that uses it', () => {
    const arb = declaredInputs('s', { m: [1, 3], n: [2, 4] }, { W: ['m', 'n'], x: ['n'], b: ['m'], c: [2] });
    for (const s of fc.sample(arb, { numRuns: 50, seed: 5 })) {
      const [m, n] = s.W.shape;
      expect(s.x.shape).toEqual([n]);
      expect(s.b.shape).toEqual([m]);
      expect(s.c.shape).toEqual([2]);
      expect(m).toBeGreaterThanOrEqual(1);
      expect(m).toBeLessThanOrEqual(3);
      expect(n).toBeGreaterThanOrEqual(2);
      expect(n).toBeLessThanOrEqual(4);
    }
  });

  test('one-hot inputs need one dimension', () => {
    expect(() => declaredInputs('s', { m: [1, 2] }, { y: { shape: ['m', 'm'], oneHot: true } })).toThrow('gradproof/tfjs: spec "s": one-hot input "y" must have a shape of one dimension, got 2');
  });
});
