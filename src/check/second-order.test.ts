import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { dims } from '../arbitraries/index.js';
import { tensor, type Tensor } from '../tensor/index.js';
import { checkOnce } from './check-once.js';
import { gradientSpec } from './second-order.js';
import type { CheckOptions, CheckSpec, NamedTensors } from './types.js';

/**
 * Tensors of values spread uniformly over [min, max] (or over ±[margin, max] when a margin is given). fast-check's
 * fc.double draws uniformly over bit patterns, so nine draws in ten land below 1e-6 in magnitude: useless here.
 */
const spread = (shape: number[], min = -3, max = 3, margin = 0): fc.Arbitrary<Tensor> => {
  const size = shape.reduce((a, b) => a * b, 1);
  const one = fc.integer({ min: 0, max: 1_000_000 }).map((k) => k / 1_000_000);
  const v = margin > 0 ? fc.tuple(fc.boolean(), one).map(([neg, u]) => (neg ? -1 : 1) * (margin + (max - margin) * u)) : one.map((u) => min + (max - min) * u);
  return fc.array(v, { minLength: size, maxLength: size }).map((xs) => tensor(shape, xs));
};

const vec = (a: ArrayLike<number>) => tensor([a.length], a);
const none = fc.constant({}) as fc.Arbitrary<NamedTensors>;

const softmaxOf = (r: number[]) => {
  const m = Math.max(...r);
  const e = r.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

/**
 * The two-layer network's loss J = CE(y, softmax(U·ReLU(W x + b1) + b2)) and its derivatives in x and b1. Where the
 * ReLU mask D is constant, r = U D (W x + b1) + b2 is affine in (x, b1) with matrix M = [U D W, U D], so
 * ∇J = Mᵀ(p − y) and the Hessian is Mᵀ S M with S = diag(p) − p pᵀ (the Hessian of cross-entropy in r).
 */
function net(inp: NamedTensors) {
  const { W, x, b1, U, b2, y } = inp;
  const [k, n] = W.shape;
  const c = U.shape[0];
  const z = Array.from({ length: k }, (_, i) => b1.data[i] + x.data.reduce((s, v, j) => s + W.data[i * n + j] * v, 0));
  const h = z.map((v) => Math.max(0, v));
  const r = Array.from({ length: c }, (_, a) => b2.data[a] + h.reduce((s, v, i) => s + U.data[a * k + i] * v, 0));
  const p = softmaxOf(r);
  const loss = -p.reduce((s, v, a) => s + y.data[a] * Math.log(v), 0);
  // M = [U D W, U D], c × (n + k).
  const M = (mask = true) =>
    Array.from({ length: c }, (_, a) => [
      ...Array.from({ length: n }, (_, j) => z.reduce((s, zi, i) => s + (mask && zi <= 0 ? 0 : U.data[a * k + i] * W.data[i * n + j]), 0)),
      ...Array.from({ length: k }, (_, i) => (mask && z[i] <= 0 ? 0 : U.data[a * k + i])),
    ]);
  return { loss, z, p, M, n, k, c, y };
}

const gradient = (inp: NamedTensors) => {
  const { p, M, n, y } = net(inp);
  const m = M();
  const g = m[0].map((_, col) => m.reduce((s, row, a) => s + row[col] * (p[a] - y.data[a]), 0));
  return { x: vec(g.slice(0, n)), b1: vec(g.slice(n)) };
};

/** Mᵀ S M, with the mistakes people make: S without −ppᵀ, the mask forgotten, the cross blocks dropped. */
const hessian = (mistake = '') => (inp: NamedTensors): Tensor => {
  const { p, M, n } = net(inp);
  const m = M(mistake !== 'mask forgotten');
  const N = m[0].length;
  const c = p.length;
  const S = (a: number, b: number) => (a === b ? p[a] : 0) - (mistake === 'no −ppᵀ' ? 0 : p[a] * p[b]);
  const H = new Float64Array(N * N);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      if (mistake === 'cross blocks dropped' && i < n !== j < n) continue;
      let s = 0;
      for (let a = 0; a < c; a++) for (let b = 0; b < c; b++) s += m[a][i] * S(a, b) * m[b][j];
      H[i * N + j] = s;
    }
  }
  return tensor([N, N], H);
};

const hvp = (mistake = '') => (inp: NamedTensors, t: NamedTensors): Record<string, Tensor> => {
  const H = hessian(mistake)(inp);
  const v = [...t.x.data, ...t.b1.data];
  const N = v.length;
  const out = Array.from({ length: N }, (_, i) => v.reduce((s, vj, j) => s + H.data[i * N + j] * vj, 0));
  const n = t.x.data.length;
  return { x: vec(out.slice(0, n)), b1: vec(out.slice(n)) };
};

const inputs = dims({ n: [1, 4], k: [1, 4], c: [2, 4] }).chain(({ n, k, c }) =>
  fc.record({
    W: spread([k, n], -2, 2, 0.3),
    x: spread([n], -2, 2, 0.3),
    b1: spread([k], -2, 2, 0.3),
    U: spread([c, k], -2, 2, 0.3),
    b2: spread([c], -2, 2, 0.3),
    y: fc.nat(c - 1).map((a) => vec(Array.from({ length: c }, (_, i) => (i === a ? 1 : 0)))),
  }),
) as fc.Arbitrary<NamedTensors>;

const base: CheckSpec = { name: 'two-layer network loss', inputs, wrt: ['x', 'b1'], f: (i) => net(i).loss, gradient };

/** Inputs away from ReLU's kink (every |z_i| > 0.05), where the loss is twice differentiable. */
const smooth = (inp: NamedTensors) => net(inp).z.every((v) => Math.abs(v) > 0.05);

describe('second order (gradgradcheck)', () => {
  for (const mode of ['full', 'fast'] as const) {
    const options: CheckOptions = { mode };
    for (const form of ['hessian', 'hvp'] as const) {
      const withForm = (mistake = ''): CheckSpec => ({ ...base, [form]: form === 'hessian' ? hessian(mistake) : hvp(mistake) });

      test(`${mode} mode, ${form}: the two-layer network's correct Hessian passes`, () => {
        fc.assert(
          fc.property(inputs, (inp) => {
            fc.pre(smooth(inp));
            const v = checkOnce(withForm(), inp, options);
            expect(v.status, v.message).toBe('pass');
            expect(v.secondOrder?.status).toBe('pass');
          }),
          { numRuns: 30, seed: 21 },
        );
      });

      for (const mistake of ['no −ppᵀ', 'mask forgotten', 'cross blocks dropped']) {
        test(`${mode} mode, ${form}: a wrong Hessian ("${mistake}") is caught`, () => {
          let caught = 0;
          let differs = 0;
          fc.assert(
            fc.property(inputs, (inp) => {
              fc.pre(smooth(inp));
              const right = hessian()(inp).data;
              const wrong = hessian(mistake)(inp).data;
              // Only inputs where the mistake changes the Hessian noticeably can be caught.
              const scale = Math.max(...Array.from(right, Math.abs));
              if (!(Math.max(...Array.from(right, (v, i) => Math.abs(v - wrong[i]))) > 1e-3 * scale)) return;
              differs++;
              const v = checkOnce(withForm(mistake), inp, options);
              expect(v.status, v.message).toBe('fail');
              expect(v.message).toMatch(/^second order/);
              expect(v.entries[0].order).toBe(2);
              caught++;
            }),
            { numRuns: 30, seed: 22 },
          );
          expect(differs).toBeGreaterThan(5);
          expect(caught).toBe(differs);
        });
      }
    }
  }

  test('a quadratic ½xᵀAx with a non-symmetric A: the Hessian is (A + Aᵀ)/2, and A itself is caught', () => {
    const A = [2, -1, 0.5, 3, 1, -2, 0, 4, -1];
    const f = ({ x }: NamedTensors) => 0.5 * [0, 1, 2].reduce((s, i) => s + x.data[i] * [0, 1, 2].reduce((t, j) => t + A[i * 3 + j] * x.data[j], 0), 0);
    const sym = A.map((_, k) => (A[k] + A[(k % 3) * 3 + Math.floor(k / 3)]) / 2);
    const grad = ({ x }: NamedTensors) => vec([0, 1, 2].map((i) => [0, 1, 2].reduce((s, j) => s + sym[i * 3 + j] * x.data[j], 0)));
    const spec: CheckSpec = { name: 'quadratic', inputs: none, f, gradient: grad, hessian: () => tensor([3, 3], sym) };
    const x = { x: vec([0.3, -1.2, 0.8]) };
    expect(checkOnce(spec, x).status).toBe('pass');
    const wrong = checkOnce({ ...spec, hessian: () => tensor([3, 3], A) }, x);
    expect(wrong.status).toBe('fail');
    expect(wrong.entries.every((e) => e.order === 2)).toBe(true);
    // The vjp form serves as the gradient too (cotangent 1).
    const viaVjp: CheckSpec = { name: 'quadratic', inputs: none, f, vjp: (i, u) => vec(grad(i).data.map((g) => g * u.data[0])), hessian: () => tensor([3, 3], A) };
    expect(checkOnce(viaVjp, x).status).toBe('fail');
  });

  test('the gradient map of a spec is itself a first-order spec (what gradgradcheck checks)', () => {
    const spec: CheckSpec = { name: 'q', inputs: none, f: ({ x }) => x.data[0] ** 3, gradient: ({ x }) => vec([3 * x.data[0] ** 2]), hessian: ({ x }) => tensor([1, 1], [6 * x.data[0]]) };
    const g = gradientSpec(spec, ['x']);
    expect(Array.from((g.f({ x: vec([2]) }) as Tensor).data)).toEqual([12]);
    expect(checkOnce(g, { x: vec([2]) }).status).toBe('pass');
  });

  test('a Hessian for a non-scalar f, or of the wrong shape, is a clear verdict', () => {
    const vectorF: CheckSpec = { name: 'v', inputs: none, f: ({ x }) => x, jacobian: () => tensor([1, 1], [1]), hessian: () => tensor([1, 1], [0]) };
    // f = x of shape [1] counts as a scalar (its Hessian is 0); a two-entry f does not.
    expect(checkOnce(vectorF, { x: vec([1]) }).status).toBe('pass');
    const two = checkOnce({ ...vectorF, jacobian: () => tensor([2, 2], [1, 0, 0, 1]) }, { x: vec([1, 2]) });
    expect(two.status).toBe('error');
    expect(two.message).toMatch(/a hessian needs a scalar f, but f returned shape \[2\]/);
    const shape = checkOnce({ name: 's', inputs: none, f: ({ x }) => x.data[0] ** 2 + x.data[1] ** 2, gradient: ({ x }) => vec([2 * x.data[0], 2 * x.data[1]]), hessian: () => tensor([3, 3], new Float64Array(9)) }, { x: vec([1, 2]) });
    expect(shape.status).toBe('fail');
    expect(shape.hints).toContain('shape-mismatch');
    expect(shape.message).toMatch(/hessian has shape \[3, 3\], expected \[2, 2\]/);
  });
});
