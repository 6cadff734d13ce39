import { describe, expect, test } from 'vitest';
import { definition2 } from '../src/catalog/index.js';
import { tensor } from '../src/tensor/index.js';
import { checkAt, derivativeAt, describeCatalog } from './support.js';

const entries = definition2();
describeCatalog('Definition 2 (f: R^n → R, the 1×n row)', entries);

describe('Definition 2, by hand', () => {
  test('f = ½ xᵀA x + bᵀ sin x at x = [1, 0], A = [[1, 2], [3, 4]], b = [5, 6]: the row ½xᵀ(A + Aᵀ) + (b ∘ cos x)ᵀ = [1 + 5 cos 1, 2.5 + 6]', () => {
    const spec = entries[0].spec;
    const inputs = { A: tensor([2, 2], [1, 2, 3, 4]), b: tensor([2], [5, 6]), x: tensor([2], [1, 0]) };
    // ½ xᵀ(A + Aᵀ) = ½ [1, 0] [[2, 5], [5, 8]] = [1, 2.5]; b ∘ cos x = [5 cos 1, 6].
    const row = derivativeAt(spec, inputs, 'x');
    expect(row.shape).toEqual([1, 2]);
    expect(row.data[0]).toBeCloseTo(1 + 5 * Math.cos(1), 14);
    expect(row.data[1]).toBeCloseTo(8.5, 14);
    expect(checkAt(spec, inputs).status).toBe('pass');
  });
});
