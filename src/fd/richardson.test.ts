import { describe, expect, test } from 'vitest';
import { centralDifference } from './central-difference.js';
import { richardson } from './richardson.js';
import { fdJacobian } from './jacobian.js';
import { noiseGamma } from './noise.js';

const central = (f: (x: number) => number, x: number, h: number) => centralDifference(f(x + h), f(x - h), x + h - (x - h));

describe('central differences and Richardson extrapolation', () => {
  test('the central-difference error shrinks about 4× when h halves (O(h²) truncation)', () => {
    const h = 1e-2;
    const e1 = Math.abs(central(Math.exp, 0.7, h) - Math.exp(0.7));
    const e2 = Math.abs(central(Math.exp, 0.7, h / 2) - Math.exp(0.7));
    expect(e1 / e2).toBeGreaterThan(3.9);
    expect(e1 / e2).toBeLessThan(4.1);
  });

  test('Richardson on d/dx sin at 1 agrees with cos 1 to better than 1e-11', () => {
    const h = 2 ** -7;
    const r = richardson(central(Math.sin, 1, h), central(Math.sin, 1, h / 2));
    expect(Math.abs(r.value - Math.cos(1))).toBeLessThan(1e-11);
  });

  test('the error estimate bounds the true error of the extrapolated value', () => {
    for (const x of [-2, -0.3, 0.5, 1.7]) {
      const h = 2 ** -6;
      const r = richardson(central(Math.exp, x, h), central(Math.exp, x, h / 2));
      expect(Math.abs(r.value - Math.exp(x))).toBeLessThan(r.error);
    }
  });

  test('γ_k of ECnoise: γ_1 = 1/2, γ_4 = 1/70', () => {
    expect(noiseGamma(1)).toBeCloseTo(0.5, 15);
    expect(noiseGamma(4)).toBeCloseTo(1 / 70, 15);
  });

  test('fdJacobian of sin gives cos on the diagonal, zeros elsewhere, and restores x exactly', () => {
    const x = Float64Array.of(0.1, -1.3, 2.9);
    const before = Float64Array.from(x);
    const evaluate = () => x.map(Math.sin);
    const fd = fdJacobian(evaluate, x, evaluate());
    expect(Array.from(x)).toEqual(Array.from(before));
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const expected = i === j ? Math.cos(before[i]) : 0;
        expect(Math.abs(fd.value[i * 3 + j] - expected)).toBeLessThanOrEqual(Math.max(fd.error[i * 3 + j], 1e-300));
      }
    }
    // 4 per column: the noise of f is measured by the check, and only when an entry asks for it (docs/numerics.md).
    expect(fd.evaluations).toBe(12);
  });

  test('steps scale with the entry: a large x gets a proportionally large step', () => {
    const x = Float64Array.of(1e6, 0.5);
    const fd = fdJacobian(() => Float64Array.of(x[0] + x[1]), x, Float64Array.of(1e6 + 0.5));
    expect(fd.steps[0] / fd.steps[1]).toBeCloseTo(1e6, 6);
  });
});
