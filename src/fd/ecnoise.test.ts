import { describe, expect, test } from 'vitest';
import { ecnoise, estimateNoise, fitNoise } from './ecnoise.js';
import { fdJacobian } from './jacobian.js';
import { FLOAT32, ulp } from './precision.js';
import { rng } from './random.js';

const quantile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))];

describe('ECnoise (Moré & Wild)', () => {
  test('recovers the σ of Gaussian noise added to a smooth function: median within 15%, 1% tail within 3.5×', () => {
    const sigma = 1e-10;
    const ratios: number[] = [];
    for (let seed = 1; seed <= 400; seed++) {
      const r = rng(seed);
      const values = Array.from({ length: 9 }, (_, i) => Math.exp(0.3 + (i - 4) * 1e-6) + sigma * r.gaussian());
      const e = ecnoise(values);
      expect(e.inform).toBe(1);
      ratios.push(e.sigma / sigma);
    }
    expect(quantile(ratios, 0.5)).toBeGreaterThan(0.85);
    expect(quantile(ratios, 0.5)).toBeLessThan(1.15);
    expect(quantile(ratios, 0.01)).toBeGreaterThan(1 / 3.5);
    expect(quantile(ratios, 0.99)).toBeLessThan(3.5);
  });

  test('a constant sequence is "no noise seen" (inform 2), a steep one "spacing too large" (inform 3)', () => {
    expect(ecnoise([1, 1, 1, 1, 1, 1, 1, 1, 1]).inform).toBe(2);
    expect(ecnoise(Array.from({ length: 9 }, (_, i) => Math.exp(i))).inform).toBe(3);
  });

  test('a float32 function: the noise is within a factor 4 of one rounding (ulp/√12) at its value', () => {
    const r = rng(11);
    const ratios: number[] = [];
    for (let t = 0; t < 200; t++) {
      const x = Float64Array.of(Math.fround(r.uniform() * 4 - 2), Math.fround(r.uniform() * 4 - 2));
      const f = () => Float64Array.of(Math.fround(Math.fround(Math.sin(x[0])) * Math.fround(Math.exp(x[1]))));
      const f0 = f();
      const p = estimateNoise(f, [x], f0, r, { precision: FLOAT32 });
      ratios.push(p.sigma[0] / (ulp(f0[0], FLOAT32) / Math.sqrt(12)));
    }
    expect(quantile(ratios, 0.05)).toBeGreaterThan(0.25);
    expect(quantile(ratios, 0.95)).toBeLessThan(4);
  });

  test('sees noise that cancellation puts into f, far above one rounding of its value', () => {
    // f = (S + sin x) − S with S ≈ 1e7: f is sin x rounded to a multiple of ulp(S) ≈ 1.9e-9, so σ ≈ 1.9e-9/√12.
    const x = Float64Array.of(0.7, -1.3, 2.1);
    const f = () => {
      const S = 1e6 * (x[0] ** 2 + x[1] ** 2 + x[2] ** 2) + 1e7;
      return Float64Array.from(x, (v) => S + Math.sin(v) - S);
    };
    const expected = ulp(1e7 + 6.59e6) / Math.sqrt(12);
    // At a spacing where sin x moves by many grid steps per point, ECnoise sees it; at its default spacing (2^-26,
    // a few grid steps per point) the rounding can look like a straight ramp, which the fit at random offsets sees
    // through: checks use both.
    const ec = estimateNoise(f, [x], f(), rng(5), { spacing: 2 ** -20 });
    const fit = fitNoise(f, [x], f(), rng(5));
    for (const p of [ec, fit]) {
      for (const s of p.sigma) {
        expect(s).toBeGreaterThan(expected / 4);
        expect(s).toBeLessThan(expected * 4);
      }
    }
  });

  test('moves the buffers only along the line and restores them exactly', () => {
    const x = Float64Array.of(0.1, -2.5, 3);
    const before = Float64Array.from(x);
    let calls = 0;
    const p = estimateNoise(() => (calls++, Float64Array.of(x[0] + x[1] * x[2])), [x], Float64Array.of(0.1 - 7.5), rng(1));
    expect(Array.from(x)).toEqual(Array.from(before));
    expect(p.evaluations).toBe(calls);
    expect(calls % 8).toBe(0);
  });
});

describe('pooled fourth-difference noise of fdJacobian', () => {
  test('ignores columns a row does not depend on (an elementwise function keeps its noise)', () => {
    // f_i = sin(x_i) rounded to a multiple of 2^-30: noise σ = 2^-30/√12 ≈ 2.7e-10 in each row, from its own column.
    const q = 2 ** -30;
    const x = Float64Array.of(0.3, -1.1, 2.2, 0.9, -2.7, 1.6);
    const f = () => Float64Array.from(x, (v) => Math.round(Math.sin(v) / q) * q);
    const fd = fdJacobian(f, x, f());
    // Five of the six columns leave each row unchanged: a median over all columns would read 0 (the eps floor, ~1e-16).
    const median = quantile(Array.from(fd.noise), 0.5);
    expect(median).toBeGreaterThan(q / Math.sqrt(12) / 10);
  });
});
