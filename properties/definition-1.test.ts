import { describe, expect, test } from 'vitest';
import { definition1 } from '../src/catalog/index.js';
import { scalar, tensor } from '../src/tensor/index.js';
import { checkAt, derivativeAt, describeCatalog } from './support.js';

const entries = definition1();
describeCatalog('Definition 1 (f: R → R^m, the m×1 column)', entries);

describe('Definition 1, by hand', () => {
  test('at x = 0 the column is c ∘ [cos 0, −2 sin 0, 2·0, ½e⁰, 1 − tanh²0, 3·0²] = c ∘ [1, 0, 0, ½, 1, 0]', () => {
    const spec = entries[0].spec;
    const c = tensor([7], [2, -1, 3, 4, -5, 6, 0.5]);
    const inputs = { x: scalar(0), c };
    // Component 7 is sin again (the components repeat every 6).
    expect(Array.from(derivativeAt(spec, inputs, 'x').data)).toEqual([2, 0, 0, 2, -5, 0, 0.5]);
    expect(derivativeAt(spec, inputs, 'x').shape).toEqual([7, 1]);
    expect(checkAt(spec, inputs).status).toBe('pass');
  });
});
