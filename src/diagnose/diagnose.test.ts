import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { checkOnce } from '../check/check-once.js';
import type { CheckSpec, NamedTensors } from '../check/types.js';
import { scalar, tensor, type Tensor } from '../tensor/index.js';
import { diagnose, formatFactor } from './index.js';

const none = fc.constant({}) as fc.Arbitrary<NamedTensors>;
// z = W x with a fixed square W (3×3) and x; ∂z/∂x = W.
const W = tensor([3, 3], [1, -2, 0.5, 3, 0.25, -1, 0.7, 1.3, -0.4]);
const x = tensor([3], [0.6, -1.1, 0.9]);
const matvec = (A: Tensor, v: Tensor) => {
  const [m, n] = A.shape;
  return tensor([m], Array.from({ length: m }, (_, i) => Array.from({ length: n }, (_, j) => A.data[i * n + j] * v.data[j]).reduce((s, t) => s + t, 0)));
};
const transpose = (A: Tensor) => {
  const [m, n] = A.shape;
  return tensor([n, m], Array.from({ length: m * n }, (_, k) => A.data[(k % m) * n + Math.floor(k / m)]));
};
const scale = (A: Tensor, c: number) => tensor(A.shape, Array.from(A.data, (v) => c * v));
const linear = (jacobian: (W: Tensor) => Tensor): CheckSpec => ({ name: 'Wx', inputs: none, wrt: ['x'], f: ({ W, x }) => matvec(W, x), jacobian: ({ W }) => jacobian(W) });
const run = (spec: CheckSpec, inputs: NamedTensors = { W, x }) => checkOnce(spec, inputs);

describe('diagnose', () => {
  test('a correct derivative gets no hint', () => {
    const v = run(linear((W) => W));
    expect(v.status).toBe('pass');
    expect(v.hints).toEqual([]);
  });

  test('flags a transposed Jacobian with the transposed hint', () => {
    const v = run(linear(transpose));
    expect(v.status).toBe('fail');
    expect(v.hints).toEqual(['transposed']);
  });

  test('flags a transposed gradient of a scalar with respect to a square matrix', () => {
    // J = uᵀ W x: ∂J/∂W = u xᵀ (shaped like W); the mistake gives x uᵀ.
    const u = tensor([3], [0.3, -0.8, 1.7]);
    const outer = (a: Tensor, b: Tensor) => tensor([3, 3], Array.from({ length: 9 }, (_, k) => a.data[Math.floor(k / 3)] * b.data[k % 3]));
    const spec: CheckSpec = {
      name: 'uWx',
      inputs: none,
      wrt: ['W'],
      f: ({ W, x }) => scalar(matvec(W, x).data.reduce((s, z, i) => s + u.data[i] * z, 0)),
      gradient: ({ x }) => outer(x, u),
    };
    expect(run(spec).hints).toEqual(['transposed']);
    expect(run({ ...spec, gradient: ({ x }) => outer(u, x) }).status).toBe('pass');
  });

  test('flags a sign flip', () => {
    const v = run(linear((W) => scale(W, -1)));
    expect(v.hints).toEqual(['sign-flipped']);
    expect(v.diagnoses[0].factor).toBe(-1);
  });

  test.each([
    [2, '2'],
    [0.5, '1/2'],
    [1.37, '1.37'],
  ])('flags a constant factor %s with the scaled hint and the factor', (c, text) => {
    const v = run(linear((W) => scale(W, c)));
    expect(v.hints).toEqual(['scaled']);
    expect(v.diagnoses[0].factor).toBeCloseTo(c, 9); // the fitted factor carries the finite differences' ~1e-11 error
    expect(v.diagnoses[0].detail).toContain(`${text} × numeric`);
  });

  test('flags a missing ReLU mask with the mask hint and the count of wrong entries', () => {
    // h = ReLU(W x): ∂h/∂x = diag(z > 0) W. Here z = W x = [3.3, 1.6, -1.37]: the third row is masked.
    const relu: CheckSpec = {
      name: 'relu',
      inputs: none,
      wrt: ['x'],
      f: ({ W, x }) => tensor([3], Array.from(matvec(W, x).data, (z) => Math.max(0, z))),
      jacobian: ({ W }) => W,
    };
    const v = run(relu);
    expect(v.status).toBe('fail');
    expect(v.hints).toEqual(['mask']);
    expect(v.diagnoses[0].count).toBe(3);
  });

  test('flags a missing mask even when every unit is inactive (f does not move at all)', () => {
    // A positive W and a negative x: every z < 0, ReLU(z) = 0 everywhere, so ∂h/∂x = 0 exactly.
    const Wp = tensor([3, 3], [1, 2, 0.5, 3, 0.25, 1, 0.7, 1.3, 0.4]);
    const xn = tensor([3], [-0.6, -1.1, -0.9]);
    const relu: CheckSpec = {
      name: 'relu-dead',
      inputs: none,
      wrt: ['x'],
      f: ({ W, x }) => tensor([3], Array.from(matvec(W, x).data, (z) => Math.max(0, z))),
      jacobian: ({ W }) => W,
    };
    const v = run(relu, { W: Wp, x: xn });
    const z = matvec(Wp, xn).data;
    expect(Array.from(z).every((v) => v < 0)).toBe(true);
    expect(v.hints).toEqual(['mask']);
  });

  test('flags a missing mask at an inactive unit whose weight is itself 0 (a shrunk counterexample)', () => {
    // h = ReLU(w·x + b) with w = 0, b = −0.5: f does not move at all when w does, so ∂h/∂w = 0 exactly; the
    // mutant forgets the mask and claims x. (Unlike sin x² at 0, f stays put at every stencil point.)
    const spec: CheckSpec = {
      name: 'relu-unit',
      inputs: none,
      wrt: ['w'],
      f: ({ w, x, b }) => scalar(Math.max(0, w.data[0] * x.data[0] + b.data[0])),
      gradient: ({ x }) => tensor([1], [x.data[0]]),
    };
    const v = run(spec, { w: tensor([1], [0]), x: tensor([1], [0.8]), b: tensor([1], [-0.5]) });
    expect(v.status).toBe('fail');
    expect(v.hints).toEqual(['mask']);
  });

  test('gives no mask hint where the numeric derivative is 0 by symmetry (sin x² at x = 0, chain rule forgotten)', () => {
    const spec: CheckSpec = {
      name: 'sin-square',
      inputs: none,
      f: ({ x }) => scalar(Math.sin(x.data[0] ** 2)),
      gradient: ({ x }) => tensor([1], [Math.cos(x.data[0] ** 2)]), // should be 2x cos(x²)
    };
    const v = run(spec, { x: tensor([1], [0]) });
    expect(v.status).toBe('fail');
    expect(v.hints).not.toContain('mask');
  });

  test('flags a single wrong entry with wrong-entries and count 1', () => {
    const v = run(
      linear((W) => {
        const J = tensor(W.shape, W.data);
        J.data[4] += 0.1;
        return J;
      }),
    );
    expect(v.hints).toEqual(['wrong-entries']);
    expect(v.diagnoses[0].count).toBe(1);
    expect(v.diagnoses[0].detail).toMatch(/the rest agree: out\[1\]\/x\[1\]$/);
  });

  test("a scalar f's wrong entries are named by the input's own index: [7] in a vector, [0, 1] in a matrix", () => {
    const sumSq: CheckSpec = { name: 'sum of squares', inputs: none, f: ({ x }) => scalar(x.data.reduce((s, v) => s + v * v, 0)), gradient: ({ x }) => tensor([8], Array.from(x.data, (v, j) => (j === 7 ? 3 * v : 2 * v))) };
    const xs = tensor([8], [0.5, -1, 1.5, 2, -0.3, 0.8, 1.1, -0.9]);
    expect(checkOnce(sumSq, { x: xs }).diagnoses[0].detail).toMatch(/the rest agree: \[7\]$/);
    const M = tensor([2, 3], [0.5, -1, 1.5, 2, -0.3, 0.8]);
    const frob: CheckSpec = { name: 'squared norm', inputs: none, f: ({ M }) => scalar(M.data.reduce((s, v) => s + v * v, 0)), gradient: ({ M }) => tensor([2, 3], Array.from(M.data, (v, j) => (j === 1 ? 3 * v : 2 * v))) };
    expect(checkOnce(frob, { M }).diagnoses[0].detail).toMatch(/the rest agree: \[0, 1\]$/);
  });

  test('flags a Jacobian of the transposed shape with shape-mismatch and transposed', () => {
    const W23 = tensor([2, 3], [1, -2, 0.5, 3, 0.25, -1]);
    const v = run(linear(transpose), { W: W23, x });
    expect(v.status).toBe('fail');
    expect(v.hints).toEqual(['shape-mismatch', 'transposed']);
  });

  test('gives no hint where the error has no pattern', () => {
    const garbage = tensor([3, 3], [0.1, 5, -3, 2, 2, 2, -7, 0.3, 1]);
    const v = run(linear(() => garbage));
    expect(v.status).toBe('fail');
    expect(v.hints).toEqual([]);
  });

  test('a float32 finite difference off a simple factor by more than 1e-6 but within its tolerance still snaps to it', () => {
    // One entry: analytic −1 against a float32 numeric 1.0000013 with tolerance 1e-4 — the factor −0.9999987 is −1
    // within the tolerance (|−1 − (−1)·1.0000013| = 1.3e-6 ≤ 2e-4), so the hint is sign-flipped, not nothing.
    const pair = (a: number, n: number, tol: number) => ({
      input: 'x',
      inputShape: [1],
      outputShape: [1],
      analytic: tensor([1, 1], [a]),
      numeric: tensor([1, 1], [n]),
      errorEstimate: tensor([1, 1], [tol / 2]),
      tolerance: tensor([1, 1], [tol]),
    });
    expect(diagnose([pair(-1, 1.0000013, 1e-4)]).map((d) => d.hint)).toEqual(['sign-flipped']);
    // The same entry with a tolerance far below the gap to −1 is one number, not a recognisable multiple.
    expect(diagnose([pair(-1, 1.0000013, 1e-9)])).toEqual([]);
  });

  test('formats simple factors as fractions, and a factor near 1 by its distance from 1', () => {
    expect(formatFactor(0.5)).toBe('1/2');
    expect(formatFactor(-1 / 3)).toBe('-1/3');
    expect(formatFactor(2)).toBe('2');
    expect(formatFactor(1 + 3.5e-6)).toBe('(1 + 3.5e-6)');
    expect(formatFactor(1 - 2e-4)).toBe('(1 − 2.0e-4)');
    expect(formatFactor(-1.003)).toBe('−(1 + 3.0e-3)');
  });

  test('a symmetric Jacobian scaled by a hair is scaled, not transposed (it fits its transpose as well as itself)', () => {
    // z = S x with S symmetric; the analytic side is (1 + 3e-6)·S against rtol = 2e-6: every entry fails, but within
    // twice its tolerance (the slack of a hypothesis), where S fits itself and its transpose alike.
    const S = tensor([3, 3], [2, 0.5, -1, 0.5, 3, 0.25, -1, 0.25, 1.5]);
    const v = checkOnce(linear(() => scale(S, 1 + 3e-6)), { W: S, x }, { tolerance: { atol: 0, rtol: 2e-6 } });
    expect(v.status).toBe('fail');
    expect(v.hints).toEqual(['scaled']);
    expect(v.diagnoses[0].detail).toBe('the derivative for x is off by a constant factor: analytic = (1 + 3.0e-6) × numeric');
  });
});
