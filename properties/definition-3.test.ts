import { describe, expect, test } from 'vitest';
import { definition3 } from '../src/catalog/index.js';
import { tensor } from '../src/tensor/index.js';
import { checkAt, derivativeAt, describeCatalog } from './support.js';

const entries = definition3();
describeCatalog('Definition 3 (f: R^n → R^m, the m×n Jacobian)', entries);

describe('Definition 3, by hand', () => {
  test('f = A(x ∘ x) + sin(B x) at x = 0 has the Jacobian 2A diag(0) + diag(cos 0) B = B (2×3, m ≠ n)', () => {
    const spec = entries[0].spec;
    const B = tensor([2, 3], [1, -2, 3, 0.5, 0, -1]);
    const inputs = { A: tensor([2, 3], [7, 8, 9, 10, 11, 12]), B, x: tensor([3], [0, 0, 0]) };
    const J = derivativeAt(spec, inputs, 'x');
    expect(J.shape).toEqual([2, 3]);
    expect(Array.from(J.data)).toEqual(Array.from(B.data));
    expect(checkAt(spec, inputs).status).toBe('pass');
  });

  test('at x = [1, 2], A = [[1, 1]], B = [[0, 0]]: the 1×2 Jacobian is 2A diag(x) = [2, 4]', () => {
    const spec = entries[0].spec;
    const inputs = { A: tensor([1, 2], [1, 1]), B: tensor([1, 2], [0, 0]), x: tensor([2], [1, 2]) };
    expect(Array.from(derivativeAt(spec, inputs, 'x').data)).toEqual([2, 4]);
    expect(checkAt(spec, inputs).status).toBe('pass');
  });
});
