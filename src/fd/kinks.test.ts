import { describe, expect, test } from 'vitest';
import { fitNoise } from './ecnoise.js';
import { kinkOnLadder, refineColumn } from './jacobian.js';
import { rng } from './random.js';
import { stepFor } from './step.js';

describe('kinkOnLadder', () => {
  const floors = [1e-12, 1e-12, 1e-12, 1e-12];
  const h = 2 ** -13;
  const ladder = [h, h / 4, h / 16, h / 64];

  test('a kink whose jump in slope is small next to the curvature: the gap levels off at the jump', () => {
    // gap(s) = J + c·s with c·h = 2J: 3J, 1.5J, 1.125J, 1.03J (the coarsest gap is 3× the finest).
    const J = 1e-5;
    expect(kinkOnLadder(ladder.map((s) => J + ((2 * J) / h) * s), floors)).toBe(true);
  });

  test('smooth f: the gap shrinks 4× per rung; noise: it grows 4× per rung; neither is a kink', () => {
    expect(kinkOnLadder(ladder.map((s) => 3 * s), floors)).toBe(false);
    expect(kinkOnLadder(ladder.map((s) => 1e-9 / s), floors)).toBe(false);
  });

  test('gaps under their floors say nothing', () => {
    expect(kinkOnLadder([1e-13, 1e-13, 1e-13, 1e-13], floors)).toBe(false);
  });

  test('a gap that holds at coarse rungs but vanishes at the finest: the kink lies farther out than the fine steps', () => {
    expect(kinkOnLadder([1, 0.9, 0, 0], floors)).toBe(false);
  });

  test('a gap held at the jump, the finest rungs under their floors but not vanishing: a kink', () => {
    expect(kinkOnLadder([8e-10, 8e-10, 8e-10, 8.1e-10], [1e-10, 4e-10, 1.6e-9, 6.4e-9])).toBe(true);
  });
});

describe('refineColumn near a kink', () => {
  const refine = (f: (x: number) => number, x0: number) => {
    const x = Float64Array.of(x0);
    const evaluate = () => Float64Array.of(f(x[0]));
    const f0 = evaluate();
    return refineColumn(evaluate, x, f0, 0, stepFor(x0), [0], Float64Array.of(2 ** -52 * Math.abs(f0[0]))).entries[0];
  };
  const finest = stepFor(0.3) / 64;

  test('ReLU with its kink inside the finest stencil (0.55 of its half-width from x) is a kink', () => {
    expect(refine((x) => Math.max(x - (0.3 - 0.55 * finest), 0), 0.3).kink).toBe(true);
  });

  test('a kink at x whose jump (1e-5) is small next to the curvature is a kink', () => {
    const c = 1e-5 / stepFor(0);
    expect(refine((x) => c * x * x + 1e-5 * Math.max(x, 0), 0).kink).toBe(true);
  });

  test.each([0.7, 0.8, 0.9, 1.5, 3])('with the kink at %s of the finest half-width, the error estimate covers the bias', (t) => {
    const e = refine((x) => Math.max(x - (0.3 - t * finest), 0), 0.3);
    // The slope at x (right of the kink) is 1; the check holds an entry to twice its error estimate.
    if (!e.kink) expect(Math.abs(e.value - 1)).toBeLessThanOrEqual(2 * e.error);
  });

  test('ReLU with its kink 3e-6 to the left, between the finest step and the coarsest: no kink, the slope is 0', () => {
    const e = refine((x) => Math.max(x, 0), -3e-6);
    expect(e.kink).toBe(false);
    expect(Math.abs(e.value)).toBeLessThanOrEqual(2 * e.error);
  });

  test('a smooth entry keeps a tight error estimate', () => {
    const e = refine(Math.sin, 0.3);
    expect(e.kink).toBe(false);
    expect(Math.abs(e.value - Math.cos(0.3))).toBeLessThanOrEqual(e.error);
    expect(e.error).toBeLessThan(1e-9);
  });
});

describe('noise by a fit at random offsets', () => {
  test('rounding to a coarse grid that equally spaced points see as a ramp: f = (20 + 1e-8·(x0 + 2x1)) − 20', () => {
    const u = 2 ** -48; // ulp(20): f is a multiple of it, σ = u/√12 ≈ 0.29u.
    for (const [a, b] of [
      [0.37, -1.2],
      [1.5, 0.25],
      [-2.75, 2.125],
      [0.001, 0.9],
    ]) {
      const x = Float64Array.of(a, b);
      const f = () => Float64Array.of(20 + 1e-8 * (x[0] + 2 * x[1]) - 20);
      const sigma = fitNoise(f, [x], f(), rng(3)).sigma[0];
      expect(sigma).toBeGreaterThan(0.1 * u);
      expect(sigma).toBeLessThan(u);
      expect(Array.from(x)).toEqual([a, b]);
    }
  });

  test('a smooth function without cancellation: near one rounding', () => {
    const x = Float64Array.of(0.4, -1.1, 2.3);
    const f = () => Float64Array.of(Math.sin(x[0]) * x[1], Math.exp(x[1]) + x[2] ** 2, Math.tanh(x[0] * x[2]));
    const f0 = f();
    const { sigma } = fitNoise(f, [x], f0, rng(4));
    for (let i = 0; i < 3; i++) expect(sigma[i]).toBeLessThan(16 * 2 ** -52 * Math.max(Math.abs(f0[i]), 1));
  });
});
