import { describe, expect, test } from 'vitest';
import { example4 } from '../src/catalog/index.js';
import { tensor } from '../src/tensor/index.js';
import { checkAt, derivativeAt, describeCatalog } from './support.js';

const entries = example4();
describeCatalog('Example 4 (gradient of a scalar with respect to a matrix)', entries);

describe('Example 4, by hand', () => {
  test('J = c·(W x) with c = [1, −2], x = [3, ½, −1]: ∂J/∂W = c xᵀ = [[3, ½, −1], [−6, −1, 2]], shaped like W', () => {
    const spec = entries[0].spec;
    const inputs = { c: tensor([2], [1, -2]), W: tensor([2, 3], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]), x: tensor([3], [3, 0.5, -1]) };
    const G = derivativeAt(spec, inputs, 'W');
    expect(G.shape).toEqual([2, 3]);
    expect(Array.from(G.data)).toEqual([3, 0.5, -1, -6, -1, 2]);
    expect(checkAt(spec, inputs).status).toBe('pass');
  });
});
