import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { tensor, type Tensor } from '../tensor/index.js';
import { checkOnce } from './check-once.js';
import type { CheckOptions, CheckSpec, NamedTensors, Verdict } from './types.js';

const none = fc.constant({}) as fc.Arbitrary<NamedTensors>;

// f(x, y) = [sin(x0)·y0, x0² + exp(x1), x1³·y0] with its Jacobians by hand (x: 3×2, y: 3×1).
const jx = (x: Float64Array, y: Float64Array) => [Math.cos(x[0]) * y[0], 0, 2 * x[0], Math.exp(x[1]), 0, 3 * x[1] ** 2 * y[0]];
const jy = (x: Float64Array) => [Math.sin(x[0]), 0, x[1] ** 3];
const spec = (precision: 'float64' | 'float32'): CheckSpec => {
  const r = precision === 'float32' ? Math.fround : (v: number) => v;
  return {
    name: `smooth ${precision}`,
    inputs: none,
    precision,
    f: ({ x, y }) => Float64Array.of(r(r(Math.sin(x.data[0])) * y.data[0]), r(r(x.data[0] ** 2) + r(Math.exp(x.data[1]))), r(r(x.data[1] ** 3) * y.data[0])),
    jacobian: ({ x, y }) => ({ x: tensor([3, 2], jx(x.data, y.data)), y: tensor([3, 1], jy(x.data)) }),
  };
};

/** The spec with `delta` added to entry k of input `name`'s Jacobian. */
const inject = (s: CheckSpec, name: string, k: number, delta: number): CheckSpec => ({
  ...s,
  jacobian: (inp) => {
    const J = s.jacobian!(inp) as Record<string, Tensor>;
    J[name].data[k] += delta;
    return J;
  },
});

/** The input whose ratio (largest tolerance / largest |entry|) is the sensitivity, its largest entry and widest-tolerance entry. */
function worstInput(v: Verdict): { name: string; scale: number; widest: number; size: number } {
  let best = { name: '', scale: 0, widest: 0, size: 0, ratio: -1 };
  for (const p of v.jacobians) {
    const scale = Math.max(...Array.from(p.numeric.data, Math.abs));
    let widest = 0;
    p.tolerance.data.forEach((t, k) => {
      if (t > p.tolerance.data[widest]) widest = k;
    });
    const ratio = p.tolerance.data[widest] / scale;
    if (ratio > best.ratio) best = { name: p.input, scale, widest, size: p.numeric.data.length, ratio };
  }
  return best;
}

describe('sensitivity', () => {
  for (const precision of ['float64', 'float32'] as const) {
    test(`${precision}: an error just above the reported sensitivity is caught in any entry, one well below is not`, () => {
      const s = spec(precision);
      const inputs = { x: tensor([2], [0.4, -1.1]), y: tensor([1], [1.7]) };
      const v = checkOnce(s, inputs);
      expect(v.status).toBe('pass');
      const S = v.sensitivity!;
      expect(S).toBeGreaterThan(0);
      expect(S).toBeLessThan(precision === 'float64' ? 1e-6 : 1e-3);
      const { name, scale, widest, size } = worstInput(v);
      for (let k = 0; k < size; k++) {
        for (const sign of [1, -1]) expect(checkOnce(inject(s, name, k, sign * 1.05 * S * scale), inputs).status).toBe('fail');
      }
      expect(checkOnce(inject(s, name, widest, 0.1 * S * scale), inputs).status).toBe('pass');
      expect(checkOnce(inject(s, name, widest, -0.1 * S * scale), inputs).status).toBe('pass');
    });
  }

  test('fast mode: an error of the reported size is missed at most as often as stated; one 100× smaller is missed', () => {
    // A scalar f: one output row, so every entry is held to the same probe tolerance and the stated size is tight.
    // f = sin(x0)·x1 + exp(x2)·x0, ∇f = [cos(x0)·x1 + exp(x2), sin(x0), exp(x2)·x0].
    const s: CheckSpec = {
      name: 'scalar',
      inputs: none,
      f: ({ x }) => Math.sin(x.data[0]) * x.data[1] + Math.exp(x.data[2]) * x.data[0],
      gradient: ({ x }) => tensor([3], [Math.cos(x.data[0]) * x.data[1] + Math.exp(x.data[2]), Math.sin(x.data[0]), Math.exp(x.data[2]) * x.data[0]]),
    };
    const options: CheckOptions = { mode: 'fast', probes: 4 };
    let missedAtSize = 0;
    let caughtWellBelow = 0;
    const runs = 150;
    const coordinate = fc.double({ min: -2, max: 2, noNaN: true });
    fc.assert(
      fc.property(coordinate, coordinate, coordinate, fc.nat(2), (a, b, c, k) => {
        const inputs = { x: tensor([3], [a, b, c]) };
        const v = checkOnce(s, inputs, options);
        expect(v.status).toBe('pass');
        expect(v.fast!.missProbability).toBe(1e-3);
        // With the gradient handed over whole, fast mode states the size against the largest analytic entry.
        const g = s.gradient!(inputs) as Tensor;
        const delta = v.sensitivity! * Math.max(...Array.from(g.data, Math.abs));
        const add = (at: number, d: number): CheckSpec => ({
          ...s,
          gradient: (inp) => {
            const t = s.gradient!(inp) as Tensor;
            t.data[at] += d;
            return t;
          },
        });
        if (checkOnce(add(k, delta), inputs, options).status !== 'fail') missedAtSize++;
        // The stated size is a worst case over entries: it is tight at the largest entry (an error there also moves
        // the relative part of every probe's tolerance); smaller entries can be held more tightly.
        const largest = g.data.reduce((best, v, i) => (Math.abs(v) > Math.abs(g.data[best]) ? i : best), 0);
        if (checkOnce(add(largest, delta / 100), inputs, options).status === 'fail') caughtWellBelow++;
      }),
      { numRuns: runs, seed: 7 },
    );
    // Expected misses at the stated size: runs · 1e-3 = 0.15; P(≥ 3) under that rate is below 1e-3.
    expect(missedAtSize).toBeLessThanOrEqual(2);
    // At δ/100 a probe of typical tolerance flags only when |v_j| exceeds ~20 standard deviations. The stated size
    // is where all probes together miss with probability 1e-3; when one probe is far more precise than the others
    // it carries that alone, and can still flag δ/100 now and then: a few of 150, not many.
    expect(caughtWellBelow).toBeLessThanOrEqual(3);
  });
});

describe('sensitivity of entries decided on two points', () => {
  // f = exp(17x) at x = 0: f''' = 17³ is large next to f' = 17, so the central difference at 2^-15 is off by a
  // relative h²·17²/6 = 4.5e-8, just inside half of rtol: decided on two points. An error just above the stated
  // sensitivity leaves that path and meets the five-point stencil's tolerance, which must not be wider.
  const expSpec = (delta = 0): CheckSpec => ({
    name: 'exp(17x)',
    inputs: none,
    f: ({ x }) => Math.exp(17 * x.data[0]),
    gradient: ({ x }) => tensor([1], [17 * Math.exp(17 * x.data[0]) + delta]),
  });
  const inputs = { x: tensor([1], [0]) };

  test('an error just above the stated sensitivity fails, one well below passes', () => {
    const v = checkOnce(expSpec(), inputs);
    expect(v.status).toBe('pass');
    expect(v.evaluations).toBe(2 + 2); // decided on two points
    const S = v.sensitivity!;
    for (const sign of [1, -1]) expect(checkOnce(expSpec(sign * 1.05 * S * 17), inputs).status).toBe('fail');
    expect(checkOnce(expSpec(0.1 * S * 17), inputs).status).toBe('pass');
  });

  test('fast mode: probes decided on two points state a size that an error just above it does not slip under', () => {
    // One input: each probe moves x by its full step, ±base·N(0, 1)-scaled, and an error δ in the derivative shows
    // as δ·|d| in the probe. The stated size must hold for the stencil the probe would have taken without the gate.
    const fast = { mode: 'fast' } as const;
    const v = checkOnce(expSpec(), inputs, fast);
    expect(v.status).toBe('pass');
    expect(v.evaluations).toBe(2 + 2 * 4); // every probe decided on two points
    const S = v.sensitivity!;
    for (const sign of [1, -1]) expect(checkOnce(expSpec(sign * 1.05 * S * 17), inputs, fast).status).toBe('fail');
    expect(checkOnce(expSpec(0.01 * S * 17), inputs, fast).status).toBe('pass');
  });
});
