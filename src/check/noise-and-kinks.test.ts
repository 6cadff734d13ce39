import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { stepFor } from '../fd/step.js';
import { tensor } from '../tensor/index.js';
import { checkOnce } from './check-once.js';
import type { CheckSpec, NamedTensors } from './types.js';

const none = fc.constant({}) as fc.Arbitrary<NamedTensors>;
const vec = (a: ArrayLike<number>) => tensor([a.length], a);

/** Where finite differences are hard: correct derivatives must never fail, kinks must never fail. */
describe('hard cases for the finite differences', () => {
  for (const mode of ['full', 'fast'] as const) {
    const run = (spec: CheckSpec, inputs: NamedTensors) => checkOnce(spec, inputs, { mode });

    test(`${mode}: f rounded to a grid coarser than ulp(f): (20 + 1e-8·(x0 + 2x1)) − 20 passes`, () => {
      const spec: CheckSpec = { name: 'grid', inputs: none, f: ({ x }) => vec([20 + 1e-8 * (x.data[0] + 2 * x.data[1]) - 20]), jacobian: () => tensor([1, 2], [1e-8, 2e-8]) };
      for (const [a, b] of [
        [0.37, -1.2],
        [1.5, 0.25],
        [-2.75, 2.125],
        [0.001, 0.9],
      ]) {
        expect(run(spec, { x: vec([a, b]) }).status).toBe('pass');
      }
    });

    test.each([0.3, 1.1, 1.3, 2.2, 2.9, -1.9])(`${mode}: an output that one entry of eight moves through cancellation, (x7 + 1000) − 1000 at x7 = %s, passes`, (x7) => {
      const spec: CheckSpec = {
        name: 'cancel',
        inputs: none,
        f: ({ x }) => vec([x.data[7] + 1000 - 1000, Math.sin(x.data[0]) + x.data[1]]),
        jacobian: ({ x }) => {
          const J = new Float64Array(16);
          J[7] = 1;
          J[8] = Math.cos(x.data[0]);
          J[9] = 1;
          return tensor([2, 8], J);
        },
      };
      expect(run(spec, { x: vec([0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.7, x7]) }).status).toBe('pass');
    });

    test(`${mode}: softmax by log-sum-exp with a dominant logit (∂ŷ₇/∂r₀ ≈ −1e-24 through log ŷ₇ ≈ −35) passes`, () => {
      const softmax = (r: Float64Array) => {
        const m = Math.max(...r);
        const lse = m + Math.log(r.reduce((s, v) => s + Math.exp(v - m), 0));
        return r.map((v) => Math.exp(v - lse));
      };
      const spec: CheckSpec = {
        name: 'softmax',
        inputs: none,
        f: ({ x }) => vec(softmax(x.data)),
        jacobian: ({ x }) => {
          const p = softmax(x.data);
          return tensor([8, 8], Array.from({ length: 64 }, (_, k) => p[Math.floor(k / 8)] * ((Math.floor(k / 8) === k % 8 ? 1 : 0) - p[k % 8])));
        },
      };
      const x = [0, 0, 19.99993872452968, 0, 0, 0, 0, -15.127423932716273];
      if (mode === 'full') {
        expect(run(spec, { x: vec(x) }).status).toBe('pass');
        return;
      }
      // Fast mode moves every logit at once: along a probe, x₂ − lse(x) changes by a few of lse's rounding quanta
      // (ulp(20)) only, and the ladder along the probe can take that staircase in ŷ₂ for a kink (it did at 63 of
      // 300 probe draws). A kink is believed only where one input entry shows it on its own ladder, which this
      // staircase does not: every draw passes (the input moved by 1e-9 reseeds the probes).
      for (let k = 0; k < 60; k++) {
        const v = run(spec, { x: vec(x.map((xi, i) => (i === 0 ? xi + k * 1e-9 : xi))) });
        expect(v.status, `draw ${k}: ${v.message ?? ''}`).toBe('pass');
      }
    });

    test(`${mode}: a derivative that one input's rounding swallows (4.5e-291 next to ulp 2e-19) passes`, () => {
      // r = 0.45·(b0 + 1e-290·w) − 0.45·b1: moving w alone shows a constant f; moving b shows the rounding that the
      // finite difference of w is subject to.
      const spec: CheckSpec = {
        name: 'absorbed',
        inputs: none,
        wrt: ['w', 'b'],
        f: ({ w, b }) => vec([0.45 * (b.data[0] + 1e-290 * w.data[0]) - 0.45 * b.data[1]]),
        jacobian: () => ({ w: tensor([1, 1], [0.45e-290]), b: tensor([1, 2], [0.45, -0.45]) }),
      };
      expect(run(spec, { w: vec([0.7]), b: vec([0.001, 0.001]) }).status).toBe('pass');
    });

    test(`${mode}: a kink inside the finest stencil, or a small jump in slope at x, is nondifferentiable`, () => {
      const finest = stepFor(0.3) / 64;
      const a = 0.3 - 0.55 * finest;
      const relu: CheckSpec = { name: 'relu', inputs: none, f: ({ x }) => vec([Math.max(x.data[0] - a, 0)]), jacobian: () => tensor([1, 1], [1]) };
      expect(run(relu, { x: vec([0.3]) }).status).toBe('nondifferentiable');
      // f = c x² + 1e-5·ReLU(x) at 0 with c·h = 1e-5: the one-sided slopes differ by 1e-5.
      const c = 1e-5 / stepFor(0);
      for (const slope of [0, 1e-5]) {
        const small: CheckSpec = { name: 'small jump', inputs: none, f: ({ x }) => vec([c * x.data[0] ** 2 + 1e-5 * Math.max(x.data[0], 0)]), jacobian: () => tensor([1, 1], [slope]) };
        expect(run(small, { x: vec([0]) }).status).toBe('nondifferentiable');
      }
    });

    test(`${mode}: a kink near x but outside the finest stencil never makes a correct derivative fail`, () => {
      const finest = stepFor(0.3) / 64;
      for (const t of [0.7, 0.8, 0.9, 1.5, 3, 10, 40]) {
        const a = 0.3 - t * finest;
        const relu: CheckSpec = { name: 'relu', inputs: none, f: ({ x }) => vec([Math.max(x.data[0] - a, 0)]), jacobian: () => tensor([1, 1], [1]) };
        expect(['pass', 'nondifferentiable']).toContain(run(relu, { x: vec([0.3]) }).status);
      }
    });
  }
});

describe('cancellation noise over many inputs (the first core failed 17 and 60 of these 60)', () => {
  const uniform = (min: number, max: number) => fc.integer({ min: 0, max: 1_000_000 }).map((k) => min + ((max - min) * k) / 1_000_000);
  const cases: Record<string, { spec: CheckSpec; inputs: fc.Arbitrary<NamedTensors> }> = {
    'x³ as (10⁴ + x)³ − 10¹² − 3·10⁸x − 3·10⁴x², elementwise': {
      spec: {
        name: 'cubic',
        inputs: none,
        f: ({ x }) => vec(Array.from(x.data, (v) => (1e4 + v) ** 3 - 1e12 - 3e8 * v - 3e4 * v * v)),
        jacobian: ({ x }) => tensor([2, 2], [3 * x.data[0] ** 2, 0, 0, 3 * x.data[1] ** 2]),
      },
      inputs: fc.tuple(uniform(-3, 3), uniform(-3, 3)).map(([a, b]) => ({ x: vec([a, b]) })),
    },
    'sin xᵢ as (S + sin xᵢ) − S with S = 10⁶·Σx²': {
      spec: {
        name: 'small of a large sum',
        inputs: none,
        f: ({ x }) => {
          const S = 1e6 * x.data.reduce((a, v) => a + v * v, 0);
          return vec(Array.from(x.data, (v) => S + Math.sin(v) - S));
        },
        jacobian: ({ x }) => tensor([4, 4], Array.from({ length: 16 }, (_, k) => (Math.floor(k / 4) === k % 4 ? Math.cos(x.data[k % 4]) : 0))),
      },
      inputs: fc.array(uniform(-3, 3), { minLength: 4, maxLength: 4 }).map((xs) => ({ x: vec(xs) })),
    },
  };
  for (const [name, { spec, inputs }] of Object.entries(cases)) {
    test(`${name}: correct derivatives never fail`, () => {
      fc.assert(
        fc.property(inputs, (inp) => {
          expect(checkOnce(spec, inp).status).not.toBe('fail');
        }),
        { numRuns: 60, seed: 8 },
      );
    });
  }
});
