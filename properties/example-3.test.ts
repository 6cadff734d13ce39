import { describe, expect, test } from 'vitest';
import { example3 } from '../src/catalog/index.js';
import { tensor } from '../src/tensor/index.js';
import { checkAt, derivativeAt, describeCatalog } from './support.js';

const entries = example3();
describeCatalog('Example 3 (chain rule)', entries);

describe('Example 3, by hand', () => {
  test('z = sin(3y), y = tanh(2x) at x = 0: ∂z/∂x = cos(0)·3 · (1 − tanh²0)·2 = 6', () => {
    const spec = entries[0].spec;
    const inputs = { A: tensor([1, 1], [2]), B: tensor([1, 1], [3]), x: tensor([1], [0]) };
    expect(Array.from(derivativeAt(spec, inputs, 'x').data)).toEqual([6]);
    expect(checkAt(spec, inputs).status).toBe('pass');
  });

  test('n = 1, p = 2, m = 3: the (3×2)·(2×1) product is 3×1', () => {
    const spec = entries[0].spec;
    // At x = 0: y = 0, so ∂y/∂x = A and ∂z/∂y = B; ∂z/∂x = B A.
    const inputs = { A: tensor([2, 1], [1, -1]), B: tensor([3, 2], [1, 2, 3, 4, 5, 6]), x: tensor([1], [0]) };
    const J = derivativeAt(spec, inputs, 'x');
    expect(J.shape).toEqual([3, 1]);
    expect(Array.from(J.data)).toEqual([-1, -1, -1]);
    expect(checkAt(spec, inputs).status).toBe('pass');
  });
});
