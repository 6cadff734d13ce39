import { describe, expect, test } from 'vitest';
import { example1 } from '../src/catalog/index.js';
import { tensor } from '../src/tensor/index.js';
import { checkAt, derivativeAt, describeCatalog } from './support.js';

const entries = example1();
describeCatalog('Example 1 (z = W x)', entries);

describe('Example 1, by hand', () => {
  test('∂z_i/∂x_j = W_ij: for W = [[1, 2, 3], [4, 5, 6]] the Jacobian is W itself (2×3), not Wᵀ', () => {
    const spec = entries[0].spec;
    const inputs = { W: tensor([2, 3], [1, 2, 3, 4, 5, 6]), x: tensor([3], [0.5, -1, 2]) };
    const J = derivativeAt(spec, inputs, 'x');
    expect(J.shape).toEqual([2, 3]);
    expect(Array.from(J.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(checkAt(spec, inputs).status).toBe('pass');
    expect(checkAt(entries[0].mutants.find((m) => m.name === 'transposed')!.spec, inputs).status).toBe('fail');
  });
});
