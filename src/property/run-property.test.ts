import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { CheckSpec, NamedTensors } from '../check/types.js';
import { tensor } from '../tensor/index.js';
import { runProperty } from './run-property.js';

/** Σ|xᵢ| with its correct gradient sign(x), at inputs drawn by `at` (0 is its kink). */
const absAt = (at: fc.Arbitrary<number>): CheckSpec => ({
  name: 'abs',
  inputs: at.map((v) => ({ x: tensor([1], [v]) })) as fc.Arbitrary<NamedTensors>,
  f: ({ x }) => Math.abs(x.data[0]),
  gradient: ({ x }) => tensor([1], [Math.sign(x.data[0])]),
});

describe('a run with too few inputs away from a kink', () => {
  test('every input at the kink: nondifferentiable, and the message says nothing was compared', () => {
    const r = runProperty(absAt(fc.constant(0)), { runs: 20, seed: 1 });
    expect(r.status).toBe('nondifferentiable');
    expect(r.message).toMatch(/^\d+ of \d+ inputs sat at a kink, so the derivative was never compared/);
  });

  test('most inputs at the kink: nondifferentiable, and the message counts the smooth ones that passed', () => {
    // 97 of 100 draws sit at 0: fast-check gives up once the skipped pass 10 per run asked for.
    const r = runProperty(absAt(fc.integer({ min: 0, max: 99 }).map((i) => (i < 97 ? 0 : 0.5 + i))), { runs: 20, seed: 3 });
    expect(r.status).toBe('nondifferentiable');
    const m = /^(\d+) of (\d+) inputs sat at a kink; the (\d+) smooth ones? passed, too few for the runs asked for/.exec(r.message ?? '');
    expect(m).not.toBeNull();
    expect(Number(m![1]) + Number(m![3])).toBe(Number(m![2]));
    expect(Number(m![3])).toBeGreaterThan(0);
  });
});

describe('notices over a run', () => {
  test('distinct notices of different inputs are kept (three, and a count of the rest), not only the first', () => {
    // Over the Jacobian budget every input is streamed, with a notice naming its own Jacobian's size.
    const sumSq: CheckSpec = {
      name: 'sum of squares',
      inputs: fc.integer({ min: 2, max: 12 }).map((n) => ({ x: tensor([n], Array.from({ length: n }, (_, j) => 0.5 + j)) })) as fc.Arbitrary<NamedTensors>,
      f: ({ x }) => x.data.reduce((s, v) => s + v * v, 0),
      gradient: ({ x }) => tensor([x.data.length], Array.from(x.data, (v) => 2 * v)),
    };
    const r = runProperty(sumSq, { runs: 30, seed: 5, maxJacobianEntries: 1 });
    expect(r.status).toBe('pass');
    const sizes = r.notice?.match(/the full Jacobian has \d+ entries/g) ?? [];
    expect(sizes.length).toBe(3);
    expect(new Set(sizes).size).toBe(3);
    expect(r.notice).toMatch(/\(and \d+ more at other inputs\)$/);
  });
});
