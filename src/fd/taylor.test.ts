import { describe, expect, test } from 'vitest';
import { FLOAT32 } from './precision.js';
import { fitSlope, taylorOutcome, taylorTest } from './taylor.js';

/** A line through x along d in one buffer, rounded to the given format. */
function lineThrough(x: Float64Array, d: readonly number[], round: (v: number) => number = (v) => v) {
  const origin = Float64Array.from(x);
  let disp = new Float64Array(x.length);
  return {
    line: {
      move: (h: number) => {
        for (let j = 0; j < x.length; j++) x[j] = round(origin[j] + h * d[j]);
        disp = x.map((v, j) => v - origin[j]);
        return h;
      },
      restore: () => x.set(origin),
    },
    displacement: () => disp,
  };
}

// f(x) = [exp(x0)·sin(x1), x0² x1]; J = [[exp(x0) sin(x1), exp(x0) cos(x1)], [2 x0 x1, x0²]].
const f = (x: Float64Array) => Float64Array.of(Math.exp(x[0]) * Math.sin(x[1]), x[0] * x[0] * x[1]);
const J = (x: Float64Array, wrong = 1) => [
  [Math.exp(x[0]) * Math.sin(x[1]) * wrong, Math.exp(x[0]) * Math.cos(x[1])],
  [2 * x[0] * x[1], x[0] * x[0]],
];

describe('the Taylor test', () => {
  test('the remainder of a correct Jacobian shrinks like h² (slope ≈ 2), of one 1% wrong like h (slope ≈ 1)', () => {
    const x = Float64Array.of(0.4, -0.9);
    const d = [0.6, -0.8];
    const { line, displacement } = lineThrough(x, d);
    const predict = (M: number[][]) => () => {
      const w = displacement();
      return Float64Array.from(M, (row) => row[0] * w[0] + row[1] * w[1]);
    };
    const noise = Float64Array.of(2 ** -52 * 2, 2 ** -52);
    const r = taylorTest(line, () => f(x), f(x), [predict(J(x)), predict(J(x, 1.01))], noise);
    expect(r.fits[0].slope).toBeGreaterThan(1.9);
    expect(r.fits[0].slope).toBeLessThan(2.1);
    expect(r.fits[1].slope).toBeGreaterThan(0.9);
    expect(r.fits[1].slope).toBeLessThan(1.1);
    expect(Array.from(x)).toEqual([0.4, -0.9]);
    expect(taylorOutcome({ ...r, fits: [r.fits[1], r.fits[0]], rungs: r.rungs.map((g) => ({ ...g, remainder: [g.remainder[1], g.remainder[0]] })) })).toBe('confirmed');
    expect(taylorOutcome(r)).toBe('refuted');
  });

  test('works in float32: slope ≈ 2 for the correct Jacobian and ≈ 1 for one 2% wrong, above the float32 noise', () => {
    const f32 = Math.fround;
    const g = (x: Float64Array) => Float64Array.of(f32(f32(Math.exp(x[0])) * f32(Math.sin(x[1]))), f32(f32(x[0] * x[0]) * x[1]));
    const x = Float64Array.of(f32(0.4), f32(-0.9));
    const { line, displacement } = lineThrough(x, [0.6, -0.8], f32);
    const predict = (M: number[][]) => () => {
      const w = displacement();
      return Float64Array.from(M, (row) => row[0] * w[0] + row[1] * w[1]);
    };
    const f0 = g(x);
    const noise = Float64Array.from(f0, (v) => 2 ** -23 * Math.abs(v));
    const r = taylorTest(line, () => g(x), f0, [predict(J(x)), predict(J(x, 1.02))], noise);
    expect(r.fits[0].slope).toBeGreaterThan(1.8);
    expect(r.fits[0].slope).toBeLessThan(2.2);
    expect(r.fits[1].slope).toBeGreaterThan(0.8);
    expect(r.fits[1].slope).toBeLessThan(1.3);
  });

  test('stops once every remainder is buried in the noise, and never steps below the format resolution', () => {
    const x = Float64Array.of(1);
    const { line } = lineThrough(x, [1], FLOAT32.round);
    // f(x) = 3x exactly: the remainder of the exact derivative is 0 at every step.
    const r = taylorTest(line, () => Float64Array.of(3 * x[0]), Float64Array.of(3), [(h) => Float64Array.of(3 * h)], [1e-7]);
    expect(r.evaluations).toBe(3);
    expect(r.fits[0].points).toBe(0);
  });

  test('fits the slope on the smallest steps that stand clear of the noise', () => {
    const hs = Array.from({ length: 20 }, (_, k) => 2 ** -k);
    // r = h + 10 h²: slope 2 at large h, 1 at small h; below h = 1e-4 pure noise of 1e-4 (floor 1e-5, clearance 16).
    const rs = hs.map((h) => Math.max(h + 10 * h * h, 1e-4));
    const fit = fitSlope(hs, rs, hs.map(() => 1e-5), 16, 4);
    expect(fit.slope).toBeGreaterThan(0.9);
    expect(fit.slope).toBeLessThan(1.2);
    expect(fit.hMin).toBeGreaterThan(1.6e-4);
    expect(fit.hMin).toBeLessThan(1e-3);
    expect(fit.points).toBe(4);
  });
});
