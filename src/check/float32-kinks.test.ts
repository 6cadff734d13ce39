import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { scalar, tensor } from '../tensor/index.js';
import { checkOnce } from './check-once.js';
import type { CheckSpec, NamedTensors } from './types.js';

const none = fc.constant({}) as fc.Arbitrary<NamedTensors>;
const vec = (a: ArrayLike<number>) => tensor([a.length], a);
const f32 = Math.fround;

describe('a noise floor stated by the spec', () => {
  // f(x) = (3 + c·x) − 3 in float32: the intermediate 3 + c·x is rounded to a multiple of ulp(3) = 2^-22, so for a
  // small c, f is flat (exactly 0) over every finite-difference step while its true derivative is c.
  const cancelling = (c: number, derivative: number, noiseFloor?: number): CheckSpec => ({
    name: 'cancellation',
    inputs: none,
    precision: 'float32',
    f: ({ x }) => scalar(f32(f32(3 + f32(c * x.data[0])) - 3)),
    gradient: () => vec([derivative]),
    ...(noiseFloor === undefined ? {} : { noiseFloor: () => noiseFloor }),
  });
  // The rounding of the intermediate 3: half an ulp, 2^-24 · 3 (unit roundoff times its magnitude).
  const floor = 2 ** -24 * 3;

  test('without it, a true derivative below what f can resolve fails against a flat finite difference', () => {
    // (f does not move even 1024 stencil reaches out, where the walk for a rounding step gives up: 1e-9 · 32 is far
    // below half an ulp of 3, so nothing shows that f is rounded rather than flat. See flat-outputs.test.ts.)
    expect(checkOnce(cancelling(1e-9, 1e-9), { x: vec([0.5]) }).status).toBe('fail');
  });

  test('with it, a flat finite difference is held to the noise the intermediates carry, and passes', () => {
    const v = checkOnce(cancelling(1e-9, 1e-9, floor), { x: vec([0.5]) });
    expect(v.status).toBe('pass');
    // The tolerance covers at least twice the noise term of that floor in a central difference at the step 2^-5:
    // 2 · 3σ · (1/√2) / 2^-5 (the difference of two values with noise σ, over a width of 2 · 2^-5).
    expect(v.entries[0].tolerance).toBeGreaterThanOrEqual((2 * 3 * Math.SQRT1_2 * floor) / 2 ** -5);
  });

  test('a derivative off by 2× still fails where f resolves it, floor or not', () => {
    // c = 1: f(x) = x up to float32 rounding, derivative 1; the analytic 2 is wrong.
    const v = checkOnce(cancelling(1, 2, floor), { x: vec([0.5]) });
    expect(v.status).toBe('fail');
    expect(v.hints).toContain('scaled');
  });

  test('a noise floor that is not a finite number ≥ 0 is an error verdict', () => {
    expect(checkOnce(cancelling(1, 1, NaN), { x: vec([0.5]) })).toMatchObject({ status: 'error', message: 'noiseFloor returned NaN, expected a finite number ≥ 0' });
  });
});

describe('float32 kinks too small to see at the finest steps', () => {
  // f(x) = 3 + 0.013·ReLU(x − d) in float32, checked at x = 0 with analytic slope 0 (x is left of the kink at d).
  // Full mode's base step is 2^-5, the ladder goes to 2^-11 ≈ 4.9e-4. At the finest step the one-sided gap of the
  // jump, at most 0.013, is below the float32 roundoff of |f| ≈ 3 over that step (20 · 2^-23 · 3 / 2^-11 ≈ 0.015).
  const shifted = (d: number): CheckSpec => ({
    name: 'float32 kink',
    inputs: none,
    precision: 'float32',
    f: ({ x }) => scalar(f32(3 + f32(0.013 * Math.max(0, f32(x.data[0] - d))))),
    gradient: ({ x }) => vec([x.data[0] > d ? 0.013 : 0]),
  });

  test('full: a kink within the finest step (d = 3.5e-4) is nondifferentiable, not a failure', () => {
    expect(checkOnce(shifted(3.5e-4), { x: vec([0]) }).status).toBe('nondifferentiable');
  });

  test('fast: a kink within the finest step (d = 3.5e-4) is nondifferentiable or passes, never fails', () => {
    // A probe moves x by its own share of the step: the kink may lie beyond every probe's reach.
    expect(['nondifferentiable', 'pass']).toContain(checkOnce(shifted(3.5e-4), { x: vec([0]) }, { mode: 'fast' }).status);
  });

  for (const mode of ['full', 'fast'] as const) {
    test(`${mode}: a kink at x whose gap a curvature halves at the coarsest step is still a kink`, () => {
      // f(x) = 0.016·ReLU(x) − 0.3·ReLU(x)² at 0: the one-sided gap at step s is 0.016 − 0.3·s, which is 0.0066 at
      // s = 2^-5 and tends to the jump 0.016 as s shrinks (0.0137, 0.0154, 0.0159 down the ladder).
      const curved: CheckSpec = {
        name: 'curved kink',
        inputs: none,
        precision: 'float32',
        f: ({ x }) => {
          const r = Math.max(0, x.data[0]);
          return scalar(f32(f32(0.016 * r) - f32(0.3 * f32(r * r))));
        },
        gradient: () => vec([0]),
      };
      expect(checkOnce(curved, { x: vec([0]) }, { mode }).status).toBe('nondifferentiable');
    });
  }

  test('a kink beyond h/16 but within h/4 (d = 2^-8) leaves a smooth point whose slope 0 passes', () => {
    expect(checkOnce(shifted(2 ** -8), { x: vec([0]) }).status).toBe('pass');
  });

  test('a kink beyond the stencil (d = 2^-4) leaves a smooth point whose slope 0 passes', () => {
    expect(checkOnce(shifted(2 ** -4), { x: vec([0]) }).status).toBe('pass');
  });
});
