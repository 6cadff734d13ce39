// The ladder's kink rule and refineColumn near kinks are tested in kinks.test.ts.
import { describe, expect, test } from 'vitest';
import { fitNoise } from './ecnoise.js';
import { fdJacobian } from './jacobian.js';
import { rng } from './random.js';
import { FLOAT64_BASE_STEP } from './step.js';

/** The check's safety factor on an entry's error estimate (ERROR_ESTIMATE_FACTOR in src/check). */
const FACTOR = 2;

// The check measures this noise (ECnoise and a fit at random offsets) when an entry fails or a row looks noisy, and
// hands it to fdJacobian; here the fit is measured and handed over directly.
describe('noise the per-column fourth differences miss', () => {
  test('rounding to a coarse grid: f = (20 + 1e-8·(x0 + 2x1)) − 20 has steps of ulp(20) that move in a near-straight line at the stencil points', () => {
    const u = 2 ** -48; // ulp(20)
    const f = (x: Float64Array) => Float64Array.of(20 + 1e-8 * (x[0] + 2 * x[1]) - 20);
    for (const [a, b] of [
      [0.37, -1.2],
      [1.5, 0.25],
      [-2.75, 2.125],
      [0.001, 0.9],
    ]) {
      const x = Float64Array.of(a, b);
      const evaluate = () => f(x);
      const f0 = evaluate();
      const sigma = fitNoise(evaluate, [x], f0, rng(1)).sigma[0];
      expect(sigma).toBeGreaterThan(0.1 * u);
      expect(sigma).toBeLessThan(u);
      const fd = fdJacobian(evaluate, x, f0, { noise: fitNoise(evaluate, [x], f0, rng(2)).sigma });
      expect(Math.abs(fd.value[0] - 1e-8)).toBeLessThanOrEqual(FACTOR * fd.error[0]);
      expect(Math.abs(fd.value[1] - 2e-8)).toBeLessThanOrEqual(FACTOR * fd.error[1]);
    }
  });

  test.each([0.3, 1.1, 1.3, 2.2, 2.9, -1.9])('an output that one entry of eight moves, through cancellation: f = (x7 + 1000) − 1000 at x7 = %s', (x7) => {
    const x = Float64Array.of(0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.7, x7);
    const evaluate = () => Float64Array.of(x[7] + 1000 - 1000, Math.sin(x[0]) + x[1]);
    const f0 = evaluate();
    const fd = fdJacobian(evaluate, x, f0, { noise: fitNoise(evaluate, [x], f0, rng(3)).sigma });
    expect(Math.abs(fd.value[7] - 1)).toBeLessThanOrEqual(FACTOR * fd.error[7]);
  });

  test('softmax at r = [0, 0, 20, 0, 0, 0, 0, −15.13]: ∂ŷ₇/∂r₀ = −ŷ₇ŷ₀ ≈ −1.1e-24 through log ŷ₇ ≈ −35, rounded to ulp(35)', () => {
    const r = Float64Array.of(0, 0, 19.99993872452968, 0, 0, 0, 0, -15.127423932716273);
    const softmax = () => {
      const m = Math.max(...r);
      const lse = m + Math.log(r.reduce((s, v) => s + Math.exp(v - m), 0));
      return r.map((v) => Math.exp(v - lse));
    };
    const y0 = softmax();
    const fd = fdJacobian(softmax, r, y0, { noise: fitNoise(softmax, [r], y0, rng(5)).sigma });
    expect(Math.abs(fd.value[7 * 8 + 0] - -y0[7] * y0[0])).toBeLessThanOrEqual(FACTOR * fd.error[7 * 8 + 0]);
  });

  test('a smooth function without cancellation keeps a noise estimate near roundoff', () => {
    const x = Float64Array.of(0.4, -1.1, 2.3);
    const evaluate = () => Float64Array.of(Math.sin(x[0]) * x[1], Math.exp(x[1]) + x[2] ** 2, Math.tanh(x[0] * x[2]));
    const f0 = evaluate();
    const noise = fitNoise(evaluate, [x], f0, rng(4), { span: FLOAT64_BASE_STEP }).sigma;
    for (let i = 0; i < 3; i++) expect(noise[i]).toBeLessThan(16 * 2 ** -52 * Math.max(Math.abs(f0[i]), 1));
  });
});

describe('the two-point gate', () => {
  // f(x) = [sin x0 · x1, exp(x1), x0 · x1²] at x = (0.4, −1.1): the Jacobian by hand.
  const x0 = Float64Array.of(0.4, -1.1);
  const f = (x: Float64Array) => Float64Array.of(Math.sin(x[0]) * x[1], Math.exp(x[1]), x[0] * x[1] ** 2);
  const jacobian = (x: Float64Array) =>
    Float64Array.of(Math.cos(x[0]) * x[1], Math.sin(x[0]), 0, Math.exp(x[1]), x[1] ** 2, 2 * x[0] * x[1]);
  const gate = (reference: Float64Array) => ({ reference, atol: 0, rtol: 1e-7 });
  // The central difference at ±h, h = 2^-13 · max(|x_j|, 1), taken here without the module.
  const central = (x: Float64Array, i: number, j: number): number => {
    const h = FLOAT64_BASE_STEP * Math.max(Math.abs(x[j]), 1);
    const p = Float64Array.from(x);
    const m = Float64Array.from(x);
    p[j] += h;
    m[j] -= h;
    return (f(p)[i] - f(m)[i]) / (p[j] - m[j]);
  };

  test('a column whose central differences agree with the reference stops at 2 evaluations, with the central differences as values', () => {
    const x = Float64Array.from(x0);
    const fd = fdJacobian(() => f(x), x, f(x), { gate: gate(jacobian(x0)) });
    expect(fd.evaluations).toBe(4);
    expect(Array.from(fd.twoPoint)).toEqual([1, 1]);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) expect(fd.value[i * 2 + j]).toBe(central(x0, i, j));
    // The error is how far off the difference is if the reference is right: at least its disagreement with it.
    for (let k = 0; k < 6; k++) expect(fd.error[k]).toBeGreaterThanOrEqual(Math.abs(fd.value[k] - jacobian(x0)[k]));
    expect(Array.from(x)).toEqual(Array.from(x0));
  });

  test('a reference wrong by a relative 1e-6 in one entry sends that column to the five-point stencil and its Richardson value', () => {
    const x = Float64Array.from(x0);
    const reference = jacobian(x0);
    reference[1 * 2 + 1] *= 1 + 1e-6; // ∂exp(x1)/∂x1
    const fd = fdJacobian(() => f(x), x, f(x), { gate: gate(reference) });
    expect(Array.from(fd.twoPoint)).toEqual([1, 0]);
    expect(fd.evaluations).toBe(2 + 4);
    // The central difference of exp is off by h²·e^x1/6 (relative 2.7e-9 at h = 2^-13 · 1.1); Richardson's by h⁴/480.
    const exact = Math.exp(-1.1);
    expect(Math.abs(central(x0, 1, 1) - exact) / exact).toBeGreaterThan(2e-9);
    expect(Math.abs(fd.value[3] - exact) / exact).toBeLessThan(1e-11);
    expect(Math.abs(fd.value[3] - exact)).toBeLessThanOrEqual(fd.error[3]);
  });

  test('a kink at x whose central difference matches the reference (|x| with sign(0) = 0) is not decided on two points', () => {
    const x = Float64Array.of(0);
    const fd = fdJacobian(() => Float64Array.of(Math.abs(x[0])), x, Float64Array.of(0), { gate: gate(Float64Array.of(0)) });
    expect(fd.twoPoint[0]).toBe(0);
    expect(fd.kinkSuspect[0]).toBe(1);
  });

  test('without a gate every column takes five points', () => {
    const x = Float64Array.from(x0);
    const fd = fdJacobian(() => f(x), x, f(x));
    expect(fd.evaluations).toBe(8);
    expect(Array.from(fd.twoPoint)).toEqual([0, 0]);
  });
});
