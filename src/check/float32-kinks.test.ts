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
  // The rounding of the intermediate 3: half an ulp, 2^-24 · 3.
  const floor = 2 ** -24 * 3;

  test('with it, a flat finite difference is held to the noise the intermediates carry, and passes', () => {
    const v = checkOnce(cancelling(1e-9, 1e-9, floor), { x: vec([0.5]) });
    expect(v.status).toBe('pass');
    // At least the Richardson noise of that floor at the largest step, 2^-3: 3 · 1.9 · floor / 2^-3.
    expect(v.entries[0].tolerance).toBeGreaterThan((3 * 1.9 * floor) / 2 ** -3);
  });

  test('a derivative off by 2× still fails where f resolves it, floor or not', () => {
    const v = checkOnce(cancelling(1, 2, floor), { x: vec([0.5]) });
    expect(v.status).toBe('fail');
  });

  test('a noise floor that is not a finite number ≥ 0 is an error verdict', () => {
    expect(checkOnce(cancelling(1, 1, NaN), { x: vec([0.5]) })).toMatchObject({ status: 'error', message: 'noiseFloor returned NaN, expected a finite number ≥ 0' });
  });
});

describe('float32 kinks too small to see at the finest steps', () => {
  // f(x) = 3 + 0.013·ReLU(x − d) in float32 at x = 0 with analytic slope 0 (x is left of the kink at d): at the
  // finest steps the gap of the jump, at most 0.013, sits near the float32 roundoff of |f| ≈ 3 over the step.
  const shifted = (d: number): CheckSpec => ({
    name: 'float32 kink',
    inputs: none,
    precision: 'float32',
    f: ({ x }) => scalar(f32(3 + f32(0.013 * Math.max(0, f32(x.data[0] - d))))),
    gradient: ({ x }) => vec([x.data[0] > d ? 0.013 : 0]),
  });

  for (const mode of ['full', 'fast'] as const) {
    test(`${mode}: a kink within the finest step (d = 3.5e-4) is nondifferentiable or passes, never fails`, () => {
      expect(['nondifferentiable', 'pass']).toContain(checkOnce(shifted(3.5e-4), { x: vec([0]) }, { mode }).status);
    });

    test(`${mode}: a kink at x whose gap a curvature halves at the coarsest step is not a failure`, () => {
      // f(x) = 0.016·ReLU(x) − 0.3·ReLU(x)² at 0: the one-sided gap at step s is 0.016 − 0.3·s.
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

  test('a kink beyond the stencil (d = 2^-4) leaves a smooth point whose slope 0 passes', () => {
    expect(checkOnce(shifted(2 ** -4), { x: vec([0]) }).status).toBe('pass');
  });
});
