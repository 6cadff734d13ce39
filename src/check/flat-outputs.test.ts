import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { tensor } from '../tensor/index.js';
import { checkOnce } from './check-once.js';
import type { CheckSpec, NamedTensors } from './types.js';

const f32 = Math.fround;
const none = fc.constant({}) as fc.Arbitrary<NamedTensors>;
const vec = (a: ArrayLike<number>) => tensor([a.length], a);

// Cross-entropy of a softmax over r = W x, computed naively in float32 (the log of the rounded probability). With the
// true class 0 ahead by a margin of about 25, p₀ = 1 − 1e-11 rounds to 1 and the loss is exactly 0 at and around x:
// the finite differences see nothing, while the true gradient (p − y) xᵀ is about 1e-11 in every entry.
const W = tensor([3, 4], [3, 2, -1, 4, -2, 1, 0.5, -3, -1, -2, 1, -2.5]);
const x = vec([1.5, 2, -1, 2]);
const y = [1, 0, 0];
const logits = (w: ArrayLike<number>): number[] => [0, 1, 2].map((a) => [0, 1, 2, 3].reduce((s, j) => f32(s + f32(w[a * 4 + j] * x.data[j])), 0));
function softmax64(r: number[]): number[] {
  const m = Math.max(...r);
  const e = r.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}
const saturated = (mistake?: 'p not p − y', offset = 0): CheckSpec => ({
  name: `saturated float32 cross-entropy${mistake ? ` [${mistake}]` : ''}`,
  inputs: none,
  precision: 'float32',
  f: ({ W }) => {
    const r = logits(W.data);
    const m = Math.max(...r);
    const e = r.map((v) => f32(Math.exp(f32(v - m))));
    const s = e.reduce((a, b) => f32(a + b), 0);
    return tensor([], [f32(-f32(Math.log(f32(e[0] / s))))]);
  },
  gradient: ({ W }) => {
    const p = softmax64(logits(W.data));
    const g = new Float64Array(12);
    for (let a = 0; a < 3; a++) for (let j = 0; j < 4; j++) g[a * 4 + j] = (mistake ? p[a] : p[a] - y[a]) * x.data[j];
    g[0] += offset;
    return tensor([3, 4], g);
  },
});

describe('an output that rounding holds flat around x', () => {
  test('the inputs are as described: class 0 ahead by more than 20, the float32 loss exactly 0', () => {
    const r = logits(W.data);
    expect(r[0] - Math.max(r[1], r[2])).toBeGreaterThan(20);
    expect(Math.abs((saturated().f({ W }) as { data: ArrayLike<number> }).data[0])).toBe(0);
  });

  test('full: the notice states what went unchecked: an entry wrong by twice that size fails', () => {
    const notice = checkOnce(saturated(), { W }).notice ?? '';
    const stated = Number(/derivatives below about (\S+) /.exec(notice)?.[1]);
    expect(stated).toBeGreaterThan(0);
    expect(checkOnce(saturated(undefined, 2 * stated), { W }).status).toBe('fail');
    // (and one wrong by a tenth of it is within what the rounding hides)
    expect(checkOnce(saturated(undefined, stated / 10), { W }).status).toBe('pass');
  });

  test('streamed (over the Jacobian budget): the pass keeps the rounding notice beside the streaming one', () => {
    const v = checkOnce(saturated(), { W }, { maxJacobianEntries: 4 });
    expect(v.status).toBe('pass');
    expect(v.notice).toMatch(/streamed column by column.*; f did not move at all within the finite-difference steps/);
  });

  for (const mode of ['full', 'fast'] as const) {
    test(`${mode}: a correct gradient passes, with a notice that f moves in rounding steps (it failed with a "mask" hint before)`, () => {
      const v = checkOnce(saturated(), { W }, { mode });
      expect(v.status).toBe('pass');
      expect(v.notice).toMatch(/did not move at all within the finite-difference steps.*rounding step of 1\.19e-7/);
    });

    test(`${mode}: a gradient wrong by O(1) (p, not p − y) still fails there`, () => {
      expect(checkOnce(saturated('p not p − y'), { W }, { mode }).status).toBe('fail');
    });

    test(`${mode}: a dead ReLU with its mask missing still fails: f is flat because it does not depend on w there`, () => {
      // f(w) = ReLU(w·x − 5) at w·x ≈ 1.6: 0 for every w within reach; the missing mask claims ∂f/∂w = x.
      const dead: CheckSpec = {
        name: 'dead relu, no mask',
        inputs: none,
        precision: 'float32',
        f: ({ w }) => tensor([], [f32(Math.max(0, f32(f32(f32(w.data[0] * 0.8) + f32(w.data[1] * 0.6)) - 5)))]),
        gradient: () => vec([0.8, 0.6]),
      };
      const v = checkOnce(dead, { w: vec([1.2, 1.1]) }, { mode });
      expect(v.status).toBe('fail');
      expect(v.notice ?? '').not.toMatch(/rounding step/);
    });
  }
});
