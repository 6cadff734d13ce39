import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { value } from './tensor.js';

describe('value', () => {
  test('spreads values over the range: most have a magnitude a finite difference can resolve, few are tiny', () => {
    const xs = fc.sample(value(), { numRuns: 4000, seed: 11 });
    const share = (p: (v: number) => boolean) => xs.filter(p).length / xs.length;
    expect(xs.every((v) => Number.isFinite(v) && v >= -3 && v <= 3)).toBe(true);
    // fc.double alone puts about two thirds of its values in [−3, 3] below 1e-100 (0 once rounded).
    expect(share((v) => Math.abs(v) < 1e-100)).toBeLessThan(0.1);
    expect(share((v) => Math.abs(v) > 0.1)).toBeGreaterThan(0.6);
    expect(share((v) => v < -1)).toBeGreaterThan(0.2);
    expect(share((v) => v > 1)).toBeGreaterThan(0.2);
  });

  test('still draws the edge cases 0 and the bounds, and small magnitudes down to 1e-6', () => {
    const xs = fc.sample(value({ min: -2, max: 2 }), { numRuns: 4000, seed: 5 });
    expect(xs).toContain(0);
    expect(xs.some((v) => v === 2 || v === -2)).toBe(true);
    expect(xs.some((v) => v !== 0 && Math.abs(v) < 1e-3)).toBe(true);
    expect(xs.every((v) => v === 0 || Math.abs(v) >= 1e-6)).toBe(true);
  });

  test('shrinks toward 0, or toward the bound nearest 0 when 0 is out of range', () => {
    const shrunk = (arb: fc.Arbitrary<number>, fails: (v: number) => boolean) => fc.check(fc.property(arb, (v) => !fails(v)), { seed: 3 }).counterexample![0];
    expect(shrunk(value(), (v) => v > -10)).toBe(0);
    expect(shrunk(value({ min: 0.5, max: 2 }), () => true)).toBe(0.5);
    expect(shrunk(value({ min: -2, max: -0.25 }), () => true)).toBe(-0.25);
  });

  test('keeps values away from kinks', () => {
    const xs = fc.sample(value({ awayFrom: [0, 1], margin: 1e-3 }), { numRuns: 2000, seed: 9 });
    expect(xs.every((v) => Math.abs(v) >= 1e-3 && Math.abs(v - 1) >= 1e-3)).toBe(true);
  });
});
