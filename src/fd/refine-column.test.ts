import { describe, expect, test } from 'vitest';
import { estimateNoise, fitNoise } from './ecnoise.js';
import { fdJacobian, refineColumn } from './jacobian.js';
import { rng } from './random.js';
import { FLOAT64_BASE_STEP } from './step.js';

/**
 * Runs fdJacobian and refineColumn on column j of a function of a flat input, as the check does when an entry fails
 * or looks like a kink: the noise of f measured first (ECnoise, then a fit at random offsets), the largest of it and
 * the pooled fourth differences for the estimate, the level ECnoise accepted for the kink floors.
 */
function refine(f: (x: Float64Array) => number, point: number[], j = 0) {
  const x = Float64Array.from(point);
  const evaluate = () => Float64Array.of(f(x));
  const f0 = evaluate();
  const random = rng(7);
  const ec = estimateNoise(evaluate, [x], f0, random);
  const fit = fitNoise(evaluate, [x], f0, random, { span: FLOAT64_BASE_STEP });
  const floor = 2 ** -52 * Math.abs(f0[0]);
  const sigma = Float64Array.of(Math.max(ec.sigma[0], fit.sigma[0], floor));
  const accepted = Float64Array.of(ec.inform[0] === 1 ? Math.max(ec.sigma[0], floor) : floor);
  const fd = fdJacobian(evaluate, x, f0, { noise: sigma });
  const { entries } = refineColumn(evaluate, x, f0, j, fd.steps[j], [0], fd.noise, { epsilon: 2 ** -52, kinkNoise: accepted });
  expect(Array.from(x)).toEqual(point); // restored exactly
  return entries[0];
}

/** 200 points spread over [-2, 2], off any binary grid. */
const points = Array.from({ length: 200 }, (_, i) => -2 + (4 * (i + 0.5)) / 200 + 1e-3 * Math.sin(i));

describe('refineColumn near a kink', () => {
  const h = FLOAT64_BASE_STEP; // the step at x = 0

  test('raises no false alarm for a kink at h/40 from x, which the finest step (h/64) no longer straddles', () => {
    // f(x) = max(0, x − d), f'(0) = 0: one-sided gaps jump·(1 − d/step) = 0.975, 0.9, 0.6 at h, h/4, h/16 and
    // 0 at h/64, while D(h/16) = (1 − 16/40)/2 = 0.3 is spoiled. Either a kink, or an error that covers it.
    for (const d of [h / 40, h / 50, h / 100, h / 120]) {
      const e = refine((x) => Math.max(0, x[0] - d), [0]);
      expect(e.kink || Math.abs(e.value - 0) <= 2 * e.error).toBe(true); // the check allows 2 × the estimate
    }
  });

  test('leaves a kink at h/20 to the estimate, whose error covers what the straddling steps spoil', () => {
    // f'(0) = 0 (the kink is to the right); D(h/16) = (1 − 16/20)/2 = 0.1 is spoiled, D(h/64) is clean.
    const d = h / 20;
    const e = refine((x) => Math.max(0, x[0] - d), [0]);
    expect(e.kink || Math.abs(e.value - 0) <= 2 * e.error).toBe(true);
  });
});

describe('refineColumn error estimates where f moves in quanta', () => {
  test('covers the error of f(x) = (1 + 1e-8·x) − 1, whose values move in steps of 2^-52', () => {
    for (const p of points) {
      const e = refine((x) => 1 + 1e-8 * x[0] - 1, [p]);
      expect(e.kink).toBe(false);
      expect(Math.abs(e.value - 1e-8)).toBeLessThanOrEqual(e.error);
    }
  });

  test('covers −log p for p = 1/(1 + 1e-7·eˣ) near 1, and takes its rounding for no kink', () => {
    // −log p = log(1 + 1e-7·eˣ), derivative 1e-7·eˣ / (1 + 1e-7·eˣ); p moves in steps of 2^-53.
    for (const p of points) {
      const e = refine((x) => -Math.log(1 / (1 + 1e-7 * Math.exp(x[0]))), [p]);
      const exact = (1e-7 * Math.exp(p)) / (1 + 1e-7 * Math.exp(p));
      expect(e.kink).toBe(false);
      expect(Math.abs(e.value - exact)).toBeLessThanOrEqual(2 * e.error); // the check allows 2 × the estimate
    }
  });

  test('bounds an entry too small for f to show by the quantum in which f moves along the other entries', () => {
    // f(a, b) = (1 + 1e-7·a + 1e-17·b) − 1: b moves f by 1e-17·h, far below the quantum 2^-52 of the sum,
    // so f does not move along b at all; ∂f/∂b = 1e-17 is then known only to within about 2^-52 / h.
    for (const p of points.slice(0, 40)) {
      const e = refine((x) => 1 + 1e-7 * x[0] + 1e-17 * x[1] - 1, [p, 0.5], 1);
      expect(Math.abs(e.value - 1e-17)).toBeLessThanOrEqual(e.error);
      expect(e.error).toBeLessThan(1e-10); // still a bound, not a blank cheque: 3 · 2^-52 / h ≈ 5e-12
    }
  });
});
