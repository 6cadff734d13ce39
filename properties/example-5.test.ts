import { describe, expect, test } from 'vitest';
import { example5 } from '../src/catalog/index.js';
import type { CheckSpec, NamedTensors } from '../src/check/index.js';
import { tensor, type Tensor } from '../src/tensor/index.js';
import { checkAt, derivativeAt, describeCatalog } from './support.js';

const entries = example5();
describeCatalog('Example 5 (two-layer network, backpropagation)', entries);

const spec = (name: string) => entries.find((e) => e.spec.name === `example-5/${name}`)!.spec as CheckSpec<NamedTensors>;
const values = (t: Tensor) => Array.from(t.data);
const expectClose = (actual: Tensor, expected: number[]) => {
  expect(actual.data.length).toBe(expected.length);
  expected.forEach((e, k) => expect(actual.data[k]).toBeCloseTo(e, 14));
};

describe('Example 5, by hand', () => {
  // r = [0, ln 2, ln 3]: ŷ = [1, 2, 3] / 6.
  const r = tensor([3], [0, Math.log(2), Math.log(3)]);

  test('softmax Jacobian at r = [0, ln 2, ln 3] is diag(ŷ) − ŷŷᵀ = [[5, −2, −3], [−2, 8, −6], [−3, −6, 9]] / 36', () => {
    const J = derivativeAt(spec('softmax-jacobian'), { r }, 'r');
    expect(J.shape).toEqual([3, 3]);
    expectClose(J, [5, -2, -3, -2, 8, -6, -3, -6, 9].map((v) => v / 36));
    expect(checkAt(spec('softmax-jacobian'), { r }).status).toBe('pass');
  });

  test('δ1 at r = [0, ln 2, ln 3], y = e₃ is ŷ − y = [1/6, 1/3, −1/2], and J = −log ½ = ln 2', () => {
    const inputs = { r, y: tensor([3], [0, 0, 1]) };
    expectClose(derivativeAt(spec('delta1'), inputs, 'r'), [1 / 6, 1 / 3, -1 / 2]);
    expect((spec('delta1').f(inputs) as Tensor).data[0]).toBeCloseTo(Math.LN2, 15);
    expect(checkAt(spec('delta1'), inputs).status).toBe('pass');
  });

  test('cross-entropy gradient at ŷ = [¼, ½, ¼], y = e₂ is the row −y/ŷ = [0, −2, 0]', () => {
    const inputs = { yhat: tensor([3], [0.25, 0.5, 0.25]), y: tensor([3], [0, 1, 0]) };
    const g = derivativeAt(spec('cross-entropy-gradient'), inputs, 'yhat');
    expect(g.shape).toEqual([1, 3]);
    expect(values(g).map((v) => v + 0)).toEqual([0, -2, 0]);
    expect(checkAt(spec('cross-entropy-gradient'), inputs).status).toBe('pass');
  });

  describe('a 1-2-2 network: x = [2], W = [[1], [−1]], b1 = 0, U = I, b2 = 0, y = e₂', () => {
    // z = [2, −2], h = [2, 0], r = [2, 0], ŷ = [σ(2), σ(−2)], δ1 = ŷ − y = [σ(2), −σ(2)];
    // δ2 = δ1 U ∘ ReLU'(z) = [σ(2), 0]; J = −log σ(−2) = log(1 + e²).
    const s2 = 1 / (1 + Math.exp(-2));
    const net = { x: tensor([1], [2]), W: tensor([2, 1], [1, -1]), b1: tensor([2], [0, 0]), U: tensor([2, 2], [1, 0, 0, 1]), b2: tensor([2], [0, 0]), y: tensor([2], [0, 1]) };
    const gradients: Record<string, number[]> = { U: [2 * s2, 0, -2 * s2, 0], b2: [s2, -s2], W: [2 * s2, 0], b1: [s2, 0] };

    test('J = log(1 + e²)', () => {
      expect((spec('loss-gradient').f(net) as Tensor).data[0]).toBeCloseTo(Math.log(1 + Math.exp(2)), 14);
    });

    test.each([
      ['dJ-dU', 'U'],
      ['dJ-db2', 'b2'],
      ['dJ-dW', 'W'],
      ['dJ-db1', 'b1'],
    ])('%s: ∂J/∂%s by hand', (name, input) => {
      expectClose(derivativeAt(spec(name), net, input), gradients[input]);
      expect(checkAt(spec(name), net).status).toBe('pass');
    });

    test('∂J/∂h = δ1 U = [σ(2), −σ(2)] and ∂J/∂z = δ2 = [σ(2), 0]', () => {
      const head = { U: net.U, b2: net.b2, y: net.y };
      expectClose(derivativeAt(spec('dJ-dh'), { h: tensor([2], [2, 0]), ...head }, 'h'), [s2, -s2]);
      expectClose(derivativeAt(spec('dJ-dz'), { z: tensor([2], [2, -2]), ...head }, 'z'), [s2, 0]);
      expect(checkAt(spec('dJ-dh'), { h: tensor([2], [2, 0]), ...head }).status).toBe('pass');
      expect(checkAt(spec('dJ-dz'), { z: tensor([2], [2, -2]), ...head }).status).toBe('pass');
    });

    test('the whole gradient at once, and the backward pass as a vjp from δ1 = e₁: δ2 = [1, 0], ∂/∂W = [[2], [0]], ∂/∂U = [[2, 0], [0, 0]]', () => {
      const all = spec('loss-gradient').gradient!(net) as Record<string, Tensor>;
      for (const input of ['W', 'b1', 'U', 'b2']) expectClose(all[input], gradients[input]);
      expect(checkAt(spec('loss-gradient'), net).status).toBe('pass');
      const { y: _y, ...backbone } = net;
      const back = spec('backprop-vjp').vjp!(backbone, tensor([2], [1, 0])) as Record<string, Tensor>;
      expect(values(back.W)).toEqual([2, 0]);
      expect(values(back.b1)).toEqual([1, 0]);
      expect(values(back.U)).toEqual([2, 0, 0, 0]);
      expect(values(back.b2)).toEqual([1, 0]);
      expect(checkAt(spec('backprop-vjp'), backbone).status).toBe('pass');
    });
  });
});
