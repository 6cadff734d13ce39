import { describe, expect, test } from 'vitest';
import { example2 } from '../src/catalog/index.js';
import { tensor } from '../src/tensor/index.js';
import { checkAt, derivativeAt, describeCatalog } from './support.js';

const entries = example2();
describeCatalog('Example 2 (z = f(x) elementwise, diag(f′(x)))', entries);

describe('Example 2, by hand', () => {
  // f'(0) for tanh, σ, exp, softplus: 1 − tanh²0 = 1, σ(0)(1 − σ(0)) = 1/4, e⁰ = 1, σ(0) = 1/2.
  test.each([
    ['tanh', 1],
    ['sigmoid', 0.25],
    ['exp', 1],
    ['softplus', 0.5],
  ])("diag(%s'(x)) at x = [0, 0] is %s·I", (id, d0) => {
    const spec = entries.find((e) => e.spec.name === `example-2/${id}`)!.spec;
    const inputs = { x: tensor([2], [0, 0]) };
    expect(Array.from(derivativeAt(spec, inputs, 'x').data)).toEqual([d0, 0, 0, d0]);
    expect(checkAt(spec, inputs).status).toBe('pass');
  });

  test("ReLU'(x) is 1 where x > 0 and 0 where x < 0; at 0 the check says nondifferentiable, never fail", () => {
    const spec = entries.find((e) => e.spec.name === 'example-2/relu')!.spec;
    expect(Array.from(derivativeAt(spec, { x: tensor([2], [0.5, -0.5]) }, 'x').data)).toEqual([1, 0, 0, 0]);
    expect(checkAt(spec, { x: tensor([2], [0.5, -0.5]) }).status).toBe('pass');
    expect(checkAt(spec, { x: tensor([2], [0, 1]) }).status).toBe('nondifferentiable');
  });
});
