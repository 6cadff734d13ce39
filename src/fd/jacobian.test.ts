import { describe, expect, test } from 'vitest';
import { fitNoise } from './ecnoise.js';
import { fdJacobian, kinkOnLadder as kinkFromGaps, refineColumn } from './jacobian.js';
import { rng } from './random.js';
import { FLOAT64_BASE_STEP, stepFor } from './step.js';

/** The check's safety factor on an entry's error estimate (ERROR_ESTIMATE_FACTOR in src/check). */
const FACTOR = 2;

/** Refines entry (0, 0) of a scalar function of one variable at x0, as checkOnce does for a suspect entry. */
function refineScalar(f: (x: number) => number, x0: number) {
  const x = Float64Array.of(x0);
  const evaluate = () => Float64Array.of(f(x[0]));
  const f0 = evaluate();
  return refineColumn(evaluate, x, f0, 0, stepFor(x0), [0], Float64Array.of(2 ** -52 * Math.abs(f0[0]))).entries[0];
}

describe('kinkFromGaps', () => {
  const floors = [1e-12, 1e-12, 1e-12, 1e-12];
  const h = 2 ** -13;
  const ladder = [h, h / 4, h / 16, h / 64];

  test('a kink whose jump in slope is small next to the curvature: the gap levels off at the jump', () => {
    // gap(s) = J + c·s with c·h = 2J: 3J, 1.5J, 1.125J, 1.03J (the coarsest gap is 3× the finest).
    const J = 1e-5;
    expect(kinkFromGaps(ladder.map((s) => J + ((2 * J) / h) * s), floors)).toBe(true);
  });

  test('smooth f: the gap shrinks 4× per level; noise: it grows 4× per level; neither is a kink', () => {
    expect(kinkFromGaps(ladder.map((s) => 3 * s), floors)).toBe(false);
    expect(kinkFromGaps(ladder.map((s) => 1e-9 / s), floors)).toBe(false);
  });

  test('gaps under their roundoff floor say nothing', () => {
    expect(kinkFromGaps([1e-13, 1e-13, 1e-13, 1e-13], floors)).toBe(false);
  });

  test('a gap that holds at coarse levels but vanishes at the finest: the kink lies farther out than the fine steps', () => {
    expect(kinkFromGaps([1, 0.9, 0, 0], floors)).toBe(false);
  });

  test('a gap held at the jump, finest level under its floor but not vanishing: a kink', () => {
    expect(kinkFromGaps([8e-10, 8e-10, 8e-10, 8.1e-10], [1e-10, 4e-10, 1.6e-9, 6.4e-9])).toBe(true);
  });
});

describe('refineColumn near a kink', () => {
  const h = stepFor(0.3);
  const finest = h / 64;

  test('ReLU with its kink inside the finest stencil (0.55 of its half-width from x) is a kink, not a smooth entry', () => {
    const a = 0.3 - 0.55 * finest;
    expect(refineScalar((x) => Math.max(x - a, 0), 0.3).kink).toBe(true);
  });

  test('a kink at x whose jump is small next to the curvature is a kink', () => {
    // f = c x² + J ReLU(x) at 0: the one-sided slopes differ by J = 1e-5; c·h = J.
    const c = 1e-5 / stepFor(0);
    expect(refineScalar((x) => c * x * x + 1e-5 * Math.max(x, 0), 0).kink).toBe(true);
  });

  test.each([0.7, 0.8, 0.9])('with the kink at %s of the finest half-width, the error estimate covers the bias of the straddling stencils', (t) => {
    const e = refineScalar((x) => Math.max(x - (0.3 - t * finest), 0), 0.3);
    // The slope at x (right of the kink) is 1.
    if (!e.kink) expect(Math.abs(e.value - 1)).toBeLessThanOrEqual(FACTOR * e.error);
  });

  test('a smooth entry keeps a tight error estimate', () => {
    const e = refineScalar(Math.sin, 0.3);
    expect(e.kink).toBe(false);
    expect(Math.abs(e.value - Math.cos(0.3))).toBeLessThanOrEqual(e.error);
    expect(e.error).toBeLessThan(1e-9);
  });
});

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
