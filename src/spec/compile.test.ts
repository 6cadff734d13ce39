import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { NamedTensors } from '../check/types.js';
import { compileSpec } from './compile.js';
import type { UserSpec } from './types.js';

const spec: UserSpec = {
  name: 'dense layer',
  dims: { m: [2, 5], n: [3, 6] },
  inputs: { W: ['m', 'n'], x: { shape: ['n'], range: [-2, -1] }, b: [4], y: { shape: ['m'], oneHot: true } },
  f: () => 0,
  gradient: () => ({}),
};

describe('compileSpec', () => {
  test('draws dims per run within their ranges and shapes the inputs by them', () => {
    const samples = fc.sample(compileSpec(spec).inputs, { numRuns: 200, seed: 7 });
    const ms = new Set<number>();
    for (const { W, x, b, y } of samples) {
      const [m, n] = W.shape;
      ms.add(m);
      expect(m).toBeGreaterThanOrEqual(2);
      expect(m).toBeLessThanOrEqual(5);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(6);
      expect(x.shape).toEqual([n]);
      expect(b.shape).toEqual([4]);
      expect(y.shape).toEqual([m]);
      for (const v of x.data) expect(v >= -2 && v <= -1).toBe(true);
      expect(Array.from(y.data).filter((v) => v === 1)).toHaveLength(1);
      expect(Array.from(y.data).filter((v) => v === 0)).toHaveLength(m - 1);
    }
    expect(ms.size).toBe(4); // every m in [2, 5] turns up
  });

  test('differentiates every input not held constant, unless wrt says otherwise', () => {
    expect(compileSpec(spec).wrt).toEqual(['W', 'x', 'b']);
    expect(compileSpec({ ...spec, wrt: ['x'] } as UserSpec).wrt).toEqual(['x']);
  });

  test('shrinks dims toward their minimum', () => {
    // A property that fails at every input: fast-check shrinks the dims to their lower bounds.
    const details = fc.check(fc.property(compileSpec(spec).inputs, () => false), { seed: 3 });
    const [inputs] = details.counterexample as [NamedTensors];
    expect(inputs.W.shape).toEqual([2, 3]);
  });

  test('keeps inputs that are a fast-check arbitrary, converting what it yields to tensors', () => {
    const compiled = compileSpec({ name: 'arb', inputs: fc.constant({ x: [1, 2], s: 3 }), f: () => 0, jvp: () => 0 } as unknown as UserSpec);
    const [inputs] = fc.sample(compiled.inputs, { numRuns: 1 });
    expect(inputs.x).toEqual({ shape: [2], data: Float64Array.of(1, 2) });
    expect(inputs.s).toEqual({ shape: [], data: Float64Array.of(3) });
    expect(compiled.wrt).toBeUndefined();
  });

  test('passes the derivative, tolerance and precision through', () => {
    const jvp = () => 0;
    const compiled = compileSpec({ name: 'j', inputs: { x: [2] }, f: () => 0, jvp, tolerance: { rtol: 1e-6 }, precision: 'float32' });
    expect(compiled.jvp).toBe(jvp);
    expect(compiled.gradient).toBeUndefined();
    expect(compiled.tolerance).toEqual({ rtol: 1e-6 });
    expect(compiled.precision).toBe('float32');
  });
});
