import { describe, expect, test } from 'vitest';
import { FLOAT32, FLOAT64 } from './precision.js';
import { rng } from './random.js';
import { staircase } from './staircase.js';
import { FLOAT32_BASE_STEP, FLOAT64_BASE_STEP } from './step.js';

const f32 = Math.fround;

/** Runs the walk on a function of one input vector x (every output looked at), over several seeds. */
function walk(f: (x: Float64Array) => number[] | undefined, x0: number[], precision = FLOAT32, seeds = 20) {
  return Array.from({ length: seeds }, (_, seed) => {
    const x = Float64Array.from(x0);
    const f0 = Float64Array.from(f(x)!);
    const out = staircase(
      () => {
        const v = f(x);
        return v ? Float64Array.from(v) : undefined;
      },
      [x],
      f0,
      rng(seed + 1),
      { precision, span: precision === FLOAT32 ? FLOAT32_BASE_STEP : FLOAT64_BASE_STEP, rows: f0.map((_, i) => i) as unknown as number[] },
    );
    // The walk puts x back exactly.
    expect(Array.from(x)).toEqual(x0);
    return out;
  });
}

describe('the rounding step of an output that does not move within the stencil', () => {
  test('−log p with p rounded to 1 in float32 (a saturated sigmoid): a step of the float32 grid of p near 1 (whole multiples of 2^-24)', () => {
    // At x = (0.1, −0.2) the margin 20 − |x|² leaves p = 1 − 2e-9, which float32 rounds to 1: f is exactly 0 until
    // the margin falls below about 16.6 (|x| ≈ 1.8), where it first takes the value −log(1 − 2^-24) or so.
    const loss = (x: Float64Array) => {
      const m = f32(20 - f32(f32(x[0] * x[0]) + f32(x[1] * x[1])));
      const p = f32(1 / f32(1 + f32(Math.exp(-m))));
      return [f32(-f32(Math.log(p)))];
    };
    for (const s of walk(loss, [0.1, -0.2])) {
      // −log(1 − u) for u one spacing below 1 (2^-24) or a few: within 1% of a whole number of 2^-24.
      const n = s.step[0] / 2 ** -24;
      expect(n).toBeGreaterThan(0.99);
      expect(Math.abs(n - Math.round(n))).toBeLessThan(0.01 * n);
      expect(s.distance[0]).toBeGreaterThan(16);
    }
  });

  test('a small rate added to 1 in float32: the step is the grid of 1 (2^-23 above, 2^-24 below)', () => {
    const f = (x: Float64Array) => [f32(f32(1 + f32(1e-6 * x[0])) - 1)];
    for (const s of walk(f, [0.5])) expect([2 ** -23, 2 ** -24]).toContain(s.step[0]);
  });

  test('a dead ReLU is flat because f does not depend on x there: it rises continuously from its kink, no step', () => {
    // max(0, x − 0.501) at x = 0.5: flat within the float64 reach (2^-13), the kink 0.001 away.
    for (const s of walk((x) => [Math.max(0, x[0] - 0.501)], [0.5], FLOAT64)) expect(s.step[0]).toBe(0);
    // The same in float32, the kink 0.05 away (the reach is 2^-5).
    for (const s of walk((x) => [f32(Math.max(0, f32(x[0] - 0.55)))], [0.5])) expect(s.step[0]).toBe(0);
  });

  test('a jump far larger than rounding (floor) is not a rounding step', () => {
    for (const s of walk((x) => [Math.floor(x[0] + 0.45)], [0.5])) expect(s.step[0]).toBe(0);
  });

  test('a small real step of f is not a rounding step because a large input stands beside it', () => {
    // f jumps by 0.01 where |x0 − 0.3| passes 0.1; x1 = 1000 plays no part in it (a reviewer found that the bound
    // once scaled with the largest input, and excused the step).
    const step = (x: Float64Array) => [Math.abs(x[0] - 0.3) > 0.1 ? 0.01 : 0];
    for (const s of walk(step, [0.3, 1000])) expect(s.step[0]).toBe(0);
  });

  test('a real step of f is not a rounding step because the output is large (1000 + 0.02·floor(x/0.25) in float32)', () => {
    // The step 0.02 is some 330 ulps of 1000: a reviewer showed a bound of 2^8 roundings of the output excused it.
    const plateau = (x: Float64Array) => [f32(1000 + f32(0.02 * Math.floor(x[0] / 0.25)))];
    for (const s of walk(plateau, [0.1])) expect(s.step[0]).toBe(0);
  });

  test('an output that never moves within 1024 reaches, or f failing out there, gives no step', () => {
    for (const s of walk(() => [3], [0.5])) expect(s.step[0]).toBe(0);
    const failsAway = (x: Float64Array) => (Math.abs(x[0] - 0.5) > 0.01 ? undefined : [f32(f32(1 + f32(1e-6 * x[0])) - 1)]);
    for (const s of walk(failsAway, [0.5])) expect(s.step[0]).toBe(0);
  });

  test('outputs are walked on their own: a rounded one gets its step, a smooth one beside it is not looked at', () => {
    const x = Float64Array.of(0.5);
    const f = () => Float64Array.of(f32(f32(1 + f32(1e-6 * x[0])) - 1), x[0] * 2);
    const s = staircase(f, [x], f(), rng(3), { precision: FLOAT32, span: FLOAT32_BASE_STEP, rows: [0] });
    expect([2 ** -23, 2 ** -24]).toContain(s.step[0]);
    expect(s.step[1]).toBe(0);
    expect(s.evaluations).toBeLessThan(40);
  });
});
