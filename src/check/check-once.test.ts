import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { scalar, tensor, type Tensor } from '../tensor/index.js';
import { checkOnce } from './check-once.js';
import type { CheckSpec, NamedTensors } from './types.js';

const none = fc.constant({}) as fc.Arbitrary<NamedTensors>;
const vec = (xs: number[]) => tensor([xs.length], xs);
const map = (t: Tensor, g: (v: number) => number) => tensor(t.shape, Array.from(t.data, g));

/** f(x) = [sin x0 · x1, x0² + exp(x1), x1³] with its Jacobian by hand. */
const smooth: CheckSpec = {
  name: 'smooth',
  inputs: none,
  f: ({ x }) => vec([Math.sin(x.data[0]) * x.data[1], x.data[0] ** 2 + Math.exp(x.data[1]), x.data[1] ** 3]),
  jacobian: ({ x }) => {
    const [a, b] = x.data;
    return tensor([3, 2], [Math.cos(a) * b, Math.sin(a), 2 * a, Math.exp(b), 0, 3 * b * b]);
  },
};

describe('checkOnce', () => {
  test('noise stirred by one differentiated input covers an entry of another that f cannot resolve', () => {
    // r = 0.45·(b0 + 1e-290·w) − 0.45·b1 at b0 = b1 = 0.001: ∂r/∂w = 4.5e-291, swallowed by the rounding of b0 + …
    // (ulp 2e-19). Moving w alone shows a constant f; moving b too shows the rounding that the finite difference of w
    // is subject to. (The network of Example 5 meets this where two hidden units cancel.)
    const spec: CheckSpec = {
      name: 'absorbed',
      inputs: none,
      wrt: ['w', 'b'],
      f: ({ w, b }) => vec([0.45 * (b.data[0] + 1e-290 * w.data[0]) - 0.45 * b.data[1]]),
      jacobian: () => ({ w: tensor([1, 1], [0.45e-290]), b: tensor([1, 2], [0.45, -0.45]) }),
    };
    expect(checkOnce(spec, { w: vec([0.7]), b: vec([0.001, 0.001]) }).status).toBe('pass');
  });

  test('passes a correct Jacobian and states its sensitivity', () => {
    const v = checkOnce(smooth, { x: vec([0.4, -1.1]) });
    expect(v.status).toBe('pass');
    expect(v.sensitivity).toBeGreaterThan(0);
    expect(v.sensitivity).toBeLessThan(1e-5);
    // Every entry agrees on two points, so the figure is the central difference's truncation: largest for x1³ at
    // x1 = −1.1, h²·|f'''|/6 over |f'| = h²/(3·x1²) with the two-point step h = 2^-15 · 1.1.
    const h = 2 ** -15 * 1.1;
    expect(v.maxRelError).toBeGreaterThan((0.9 * h * h) / (3 * 1.21));
    expect(v.maxRelError).toBeLessThan((1.1 * h * h) / (3 * 1.21));
  });

  test('flags a single entry wrong by a relative 1e-5 (PyTorch defaults, rtol 1e-3, would miss it)', () => {
    const wrong: CheckSpec = {
      ...smooth,
      jacobian: (inp) => {
        const J = smooth.jacobian!(inp) as Tensor;
        J.data[3] *= 1 + 1e-5;
        return J;
      },
    };
    const v = checkOnce(wrong, { x: vec([0.4, -1.1]) });
    expect(v.status).toBe('fail');
    expect(v.entries[0]).toMatchObject({ input: 'x', outIndex: 1, inIndex: 1 });
    expect(v.entries[0].relError).toBeCloseTo(1e-5, 6);
    // PyTorch's test |a − n| ≤ 1e-5 + 1e-3·|n| lets it through:
    expect(v.entries[0].absError).toBeLessThan(1e-5 + 1e-3 * Math.abs(v.entries[0].numeric));
  });

  test('|x| at 0 and ReLU at 0 are nondifferentiable, never fail', () => {
    const abs: CheckSpec = { name: 'abs', inputs: none, f: ({ x }) => scalar(Math.abs(x.data[0])), gradient: ({ x }) => vec([Math.sign(x.data[0])]) };
    const relu: CheckSpec = { name: 'relu', inputs: none, f: ({ x }) => map(x, (v) => Math.max(0, v)), jacobian: ({ x }) => tensor([1, 1], [x.data[0] > 0 ? 1 : 0]) };
    expect(checkOnce(abs, { x: vec([0]) }).status).toBe('nondifferentiable');
    expect(checkOnce(relu, { x: vec([0]) }).status).toBe('nondifferentiable');
    expect(checkOnce(relu, { x: vec([0.25]) }).status).toBe('pass');
    expect(checkOnce(relu, { x: vec([-0.25]) }).status).toBe('pass');
  });

  test('a kink near but not at x does not make a correct derivative fail', () => {
    const relu: CheckSpec = { name: 'relu', inputs: none, f: ({ x }) => map(x, (v) => Math.max(0, v)), jacobian: ({ x }) => tensor([1, 1], [x.data[0] > 0 ? 1 : 0]) };
    for (const d of [3e-5, 6e-5, 1e-4, 2e-4]) {
      expect(['pass', 'nondifferentiable']).toContain(checkOnce(relu, { x: vec([d]) }).status);
      expect(['pass', 'nondifferentiable']).toContain(checkOnce(relu, { x: vec([-d]) }).status);
    }
  });

  test('correct derivatives of functions with outputs near 1e8 and near 1e-8 both pass', () => {
    for (const scale of [1e8, 1e-8]) {
      const spec: CheckSpec = {
        name: `scale ${scale}`,
        inputs: none,
        f: ({ x }) => map(x, (v) => scale * Math.exp(v)),
        jacobian: ({ x }) => tensor([2, 2], [scale * Math.exp(x.data[0]), 0, 0, scale * Math.exp(x.data[1])]),
      };
      expect(checkOnce(spec, { x: vec([0.3, -0.7]) }).status).toBe('pass');
      const wrong: CheckSpec = { ...spec, jacobian: ({ x }) => tensor([2, 2], [2 * scale * Math.exp(x.data[0]), 0, 0, scale * Math.exp(x.data[1])]) };
      expect(checkOnce(wrong, { x: vec([0.3, -0.7]) }).status).toBe('fail');
    }
  });

  describe('the four derivative forms build the same Jacobian', () => {
    // f(W, x) = W x with W 2×3: ∂f/∂x = W, ∂f_i/∂W_kl = δ_ik x_l.
    const W = tensor([2, 3], [1, -2, 0.5, 3, 0.25, -1]);
    const x = vec([0.7, -0.2, 1.5]);
    const f = ({ W, x }: NamedTensors) => vec([0, 1].map((i) => [0, 1, 2].reduce((s, j) => s + W.data[i * 3 + j] * x.data[j], 0)));
    const dW = (x: Tensor) => {
      const J = new Float64Array(2 * 6);
      for (let i = 0; i < 2; i++) for (let l = 0; l < 3; l++) J[i * 6 + i * 3 + l] = x.data[l];
      return tensor([2, 6], J);
    };
    const forms: Record<string, Partial<CheckSpec>> = {
      jacobian: { jacobian: ({ W, x }) => ({ W: dW(x), x: W }) },
      vjp: {
        vjp: ({ W, x }, c) => ({
          W: tensor([2, 3], [0, 1].flatMap((i) => [0, 1, 2].map((l) => c.data[i] * x.data[l]))),
          x: vec([0, 1, 2].map((j) => c.data[0] * W.data[j] + c.data[1] * W.data[3 + j])),
        }),
      },
      jvp: {
        jvp: ({ W, x }, t) => vec([0, 1].map((i) => [0, 1, 2].reduce((s, j) => s + t.W.data[i * 3 + j] * x.data[j] + W.data[i * 3 + j] * t.x.data[j], 0))),
      },
    };
    for (const [kind, form] of Object.entries(forms)) {
      test(`${kind}: passes W x`, () => {
        const v = checkOnce({ name: kind, inputs: none, f, ...form } as CheckSpec, { W, x });
        expect(v.status).toBe('pass');
        const jx = v.jacobians.find((p) => p.input === 'x')!;
        expect(Array.from(jx.analytic.data)).toEqual(Array.from(W.data));
        expect(v.derivativeCalls).toBe(kind === 'jacobian' ? 1 : kind === 'vjp' ? 2 : 9);
      });
    }

    test('gradient: a scalar f gets one row, shaped like each input', () => {
      const spec: CheckSpec = {
        name: 'quad',
        inputs: none,
        f: ({ x, W }) => scalar(x.data.reduce((s, v) => s + v * v, 0) + W.data[0] * W.data[1]),
        gradient: ({ x, W }) => ({ x: map(x, (v) => 2 * v), W: tensor([2, 3], [W.data[1], W.data[0], 0, 0, 0, 0]) }),
      };
      expect(checkOnce(spec, { W, x }).status).toBe('pass');
    });

    test('a Jacobian in the other layout fails with the transposed hint', () => {
      const v = checkOnce({ name: 't', inputs: none, f, jacobian: ({ W }) => ({ W: dW(x), x: tensor([3, 2], [1, 3, -2, 0.25, 0.5, -1]) }) } as CheckSpec, { W, x });
      expect(v.status).toBe('fail');
      expect(v.hints).toEqual(['shape-mismatch', 'transposed']);
    });

    test('wrt restricts the differentiated inputs; a bare tensor is accepted for one', () => {
      const v = checkOnce({ name: 'wrt', inputs: none, f, wrt: ['x'], jacobian: ({ W }) => W } as CheckSpec, { W, x });
      expect(v.status).toBe('pass');
      expect(v.jacobians.map((p) => p.input)).toEqual(['x']);
      const t = checkOnce({ name: 'wrt', inputs: none, f, wrt: ['x'], jvp: ({ W }, t) => vec([0, 1].map((i) => [0, 1, 2].reduce((s, j) => s + W.data[i * 3 + j] * t.data![j], 0))) } as CheckSpec, { W, x });
      expect(t.status).toBe('pass');
    });
  });

  describe('error verdicts', () => {
    const base: CheckSpec = { name: 'sq', inputs: none, f: ({ x }) => map(x, (v) => v * v), jacobian: ({ x }) => tensor([1, 1], [2 * x.data[0]]) };
    const x = { x: vec([1.5]) };
    test('f throws: the message names f and the first frame', () => {
      const v = checkOnce({ ...base, f: () => { throw new Error('boom'); } }, x);
      expect(v.status).toBe('error');
      expect(v.message).toMatch(/^f threw: boom \(at .+check-once\.test\.ts:\d+:\d+\)$/);
    });
    test('f returns NaN', () => {
      expect(checkOnce({ ...base, f: () => vec([NaN]) }, x).message).toMatch(/f returned NaN at the input/);
    });
    test('NaN met during finite differences names the moved entry', () => {
      const v = checkOnce({ ...base, f: ({ x }) => vec([Math.sqrt(1.5 - x.data[0])]) }, x);
      expect(v.status).toBe('error');
      expect(v.message).toMatch(/finite differences met NaN.*x\[0\] was moved/);
    });
    test('f mutates its input', () => {
      const v = checkOnce({ ...base, f: ({ x }) => { x.data[0] += 1; return vec([1]); } }, x);
      expect(v.message).toMatch(/f mutated its input x\[0\]/);
    });
    test('the derivative mutates its input', () => {
      const v = checkOnce({ ...base, jacobian: ({ x }) => { x.data[0] = 0; return tensor([1, 1], [3]); } }, x);
      expect(v.message).toMatch(/jacobian mutated its input x\[0\]/);
    });
    test('f is nondeterministic', () => {
      let calls = 0;
      const v = checkOnce({ ...base, f: ({ x }) => vec([x.data[0] + 1e-9 * calls++]) }, x);
      expect(v.status).toBe('error');
      expect(v.message).toMatch(/nondeterministic: two calls at the same input differ by 1\.00e-9/);
    });
    test('no derivative form, or two', () => {
      expect(checkOnce({ name: 'n', inputs: none, f: base.f }, x).message).toMatch(/no derivative/);
      expect(checkOnce({ ...base, gradient: () => vec([1]) }, x).message).toMatch(/jacobian and gradient/);
    });
    test('a wrong return type is described', () => {
      expect(checkOnce({ ...base, f: () => 'nope' as never }, x).message).toMatch(/f returned a string, expected a Tensor/);
    });
  });
});
