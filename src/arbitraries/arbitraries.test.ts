import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { anyTensor, matrix, vector } from './any-tensor.js';
import { inputSet, inputSetProblems } from './input-set.js';
import { invertibleMatrix } from './invertible-matrix.js';
import { oneHotTensor } from './one-hot.js';
import { shape } from './shape.js';
import { value } from './tensor.js';

const sample = <T>(arb: fc.Arbitrary<T>, n = 500) => fc.sample(arb, { numRuns: n, seed: 42 });

describe('value', () => {
  test('stays in its range and has ordinary magnitudes (not mostly below 1e-50, as fc.double would)', () => {
    const xs = sample(value({ min: -3, max: 3 }), 2000);
    expect(xs.every((v) => v >= -3 && v <= 3)).toBe(true);
    // Uniform on [-3, 3] would give P(|v| ≥ 0.01) = 299/300; one draw in eight comes from fc.double (most of
    // whose values lie below 1e-50) and fast-check biases some runs toward small integers (values near 0).
    const share = (p: (v: number) => boolean) => xs.filter(p).length / xs.length;
    expect(share((v) => Math.abs(v) >= 0.01)).toBeGreaterThan(0.6);
    expect(share((v) => Math.abs(v) < 1e-50)).toBeLessThan(0.2);
  });

  test('covers a range away from 0, and keeps away from the given kinks', () => {
    const xs = sample(value({ min: 0.5, max: 2 }));
    expect(xs.every((v) => v >= 0.5 && v <= 2)).toBe(true);
    const ys = sample(value({ awayFrom: [0, 1], margin: 0.05 }));
    expect(ys.every((v) => Math.abs(v) >= 0.05 && Math.abs(v - 1) >= 0.05)).toBe(true);
  });
});

describe('shapes and tensors', () => {
  test('shape respects rank and dim ranges', () => {
    for (const s of sample(shape({ rank: [1, 2], dim: [2, 3] }))) {
      expect(s.length >= 1 && s.length <= 2).toBe(true);
      expect(s.every((d) => d === 2 || d === 3)).toBe(true);
    }
  });

  test('anyTensor, vector and matrix have data matching their shapes', () => {
    for (const t of sample(anyTensor({ rank: 2 }), 100)) expect(t.data.length).toBe(t.shape[0] * t.shape[1]);
    for (const t of sample(vector([1, 4]), 100)) expect(t.shape.length === 1 && t.shape[0] >= 1 && t.shape[0] <= 4).toBe(true);
    for (const t of sample(matrix(2, [3, 5]), 100)) expect(t.shape[0] === 2 && t.shape[1] >= 3 && t.shape[1] <= 5).toBe(true);
  });

  test('oneHotTensor makes each row along the last axis one-hot', () => {
    for (const t of sample(oneHotTensor([3, 4]), 100)) {
      for (let r = 0; r < 3; r++) {
        const row = Array.from(t.data.subarray(4 * r, 4 * r + 4));
        expect(row.filter((v) => v === 1)).toHaveLength(1);
        expect(row.filter((v) => v === 0)).toHaveLength(3);
      }
    }
  });

  test('invertibleMatrix is strictly diagonally dominant by its margin', () => {
    for (const A of sample(invertibleMatrix(4, { margin: 0.5 }), 100)) {
      for (let i = 0; i < 4; i++) {
        let off = 0;
        for (let j = 0; j < 4; j++) if (j !== i) off += Math.abs(A.data[4 * i + j]);
        expect(Math.abs(A.data[5 * i]) - off).toBeGreaterThanOrEqual(0.5 - 1e-12);
      }
    }
  });
});

describe('inputSet', () => {
  test('draws named inputs with shared dims', () => {
    for (const { A, v } of sample(inputSet({ dims: { n: [1, 4] }, inputs: { A: ['n', 'n'], v: ['n'] } }), 100)) {
      expect(A.shape).toEqual([v.shape[0], v.shape[0]]);
    }
  });

  test('names every problem of a declaration', () => {
    expect(inputSetProblems({ dims: { n: [3, 1] }, inputs: { y: { shape: ['k'], oneHot: true, range: [0, 1] } } })).toEqual([
      'dims.n has min 3 > max 1',
      'inputs.y.shape[0] names dimension "k", which is not in dims (n)',
      'inputs.y sets both oneHot and range; one-hot values are 0 and 1',
    ]);
    expect(() => inputSet({ inputs: { x: ['m'] } })).toThrow('gradproof inputSet: inputs.x.shape[0] names dimension "m", which is not in dims (none declared)');
  });
});
