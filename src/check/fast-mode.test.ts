import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { dims } from '../arbitraries/index.js';
import { rng } from '../fd/random.js';
import { tensor, type Tensor } from '../tensor/index.js';
import { checkOnce } from './check-once.js';
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

const FAST: CheckOptions = { mode: 'fast' };
const vec = (a: ArrayLike<number>) => tensor([a.length], a);

// ---- The classic derivatives, each with the mistakes people make, written in the three forms. ----

/** A derivative given as a full Jacobian per input; the vjp and jvp forms are derived from it by hand-written loops. */
interface Classic {
  name: string;
  inputs: fc.Arbitrary<NamedTensors>;
  wrt: string[];
  f: (i: NamedTensors) => Tensor;
  jac: (i: NamedTensors) => Record<string, Tensor>;
  mutants: Record<string, (i: NamedTensors) => Record<string, Tensor>>;
}

function forms(c: Classic, jac: Classic['jac']): Record<string, CheckSpec> {
  const base = { name: c.name, inputs: c.inputs, wrt: c.wrt, f: c.f };
  return {
    jacobian: { ...base, jacobian: jac },
    vjp: {
      ...base,
      vjp: (inp, u) => {
        const J = jac(inp);
        return Object.fromEntries(
          c.wrt.map((name) => {
            const [m, n] = J[name].shape;
            const g = new Float64Array(n);
            for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) g[j] += u.data[i] * J[name].data[i * n + j];
            return [name, tensor(inp[name].shape, g)];
          }),
        );
      },
    },
    jvp: {
      ...base,
      jvp: (inp, t) => {
        const J = jac(inp);
        const first = J[c.wrt[0]];
        const out = new Float64Array(first.shape[0]);
        for (const name of c.wrt) {
          const [m, n] = J[name].shape;
          for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[i] += J[name].data[i * n + j] * t[name].data[j];
        }
        return out;
      },
    },
  };
}

const matvec = (W: Tensor, x: Tensor) => {
  const [m, n] = W.shape;
  return vec(Array.from({ length: m }, (_, i) => x.data.reduce((s, v, j) => s + W.data[i * n + j] * v, 0)));
};
/** ∂(Wx)_i/∂W_kl = δ_ik x_l. */
const dWx = (W: Tensor, x: Tensor, scaleX = 1) => {
  const [m, n] = W.shape;
  const J = new Float64Array(m * m * n);
  for (let i = 0; i < m; i++) for (let l = 0; l < n; l++) J[i * m * n + i * n + l] = scaleX * x.data[l];
  return tensor([m, m * n], J);
};

const linear: Classic = {
  name: 'W x',
  inputs: dims({ m: [1, 6], n: [1, 6] }).chain(({ m, n }) => fc.record({ W: spread([m, n]), x: spread([n]) })) as fc.Arbitrary<NamedTensors>,
  wrt: ['W', 'x'],
  f: ({ W, x }) => matvec(W, x),
  jac: ({ W, x }) => ({ W: dWx(W, x), x: W }),
  mutants: {
    'sign-flipped': ({ W, x }) => ({ W: dWx(W, x), x: tensor(W.shape, W.data.map((v) => -v)) }),
    scaled: ({ W, x }) => ({ W: dWx(W, x), x: tensor(W.shape, W.data.map((v) => 2 * v)) }),
    'dW without x': ({ W, x }) => ({ W: dWx(W, tensor(x.shape, x.data.map(() => 1))), x: W }),
    'dW halved': ({ W, x }) => ({ W: dWx(W, x, 0.5), x: W }),
  },
};

const diag = (d: ArrayLike<number>) => {
  const n = d.length;
  const J = new Float64Array(n * n);
  for (let i = 0; i < n; i++) J[i * n + i] = d[i];
  return tensor([n, n], J);
};
const elementwise: Classic = {
  name: 'tanh',
  inputs: dims({ n: [1, 8] }).chain(({ n }) => fc.record({ x: spread([n]) })) as fc.Arbitrary<NamedTensors>,
  wrt: ['x'],
  f: ({ x }) => vec(x.data.map(Math.tanh)),
  jac: ({ x }) => ({ x: diag(x.data.map((v) => 1 - Math.tanh(v) ** 2)) }),
  mutants: {
    'missing square': ({ x }) => ({ x: diag(x.data.map((v) => 1 - Math.tanh(v))) }),
    'sign-flipped': ({ x }) => ({ x: diag(x.data.map((v) => Math.tanh(v) ** 2 - 1)) }),
    'sech not sech²': ({ x }) => ({ x: diag(x.data.map((v) => 1 / Math.cosh(v))) }),
  },
};

const softmaxOf = (x: ArrayLike<number>) => {
  const m = Math.max(...Array.from(x));
  const e = Array.from(x, (v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};
const softmaxJac = (p: number[], keepOuter = 1, outerSign = -1) => {
  const n = p.length;
  return tensor([n, n], Array.from({ length: n * n }, (_, k) => {
    const i = Math.floor(k / n);
    const j = k % n;
    return (i === j ? p[i] : 0) + outerSign * keepOuter * p[i] * p[j];
  }));
};
const softmax: Classic = {
  name: 'softmax',
  inputs: dims({ n: [2, 8] }).chain(({ n }) => fc.record({ x: spread([n]) })) as fc.Arbitrary<NamedTensors>,
  wrt: ['x'],
  f: ({ x }) => vec(softmaxOf(x.data)),
  jac: ({ x }) => ({ x: softmaxJac(softmaxOf(x.data)) }),
  mutants: {
    'diag(p) only': ({ x }) => ({ x: softmaxJac(softmaxOf(x.data), 0) }),
    'plus p pᵀ': ({ x }) => ({ x: softmaxJac(softmaxOf(x.data), 1, 1) }),
    'p(1−p) on the diagonal only': ({ x }) => ({ x: diag(softmaxOf(x.data).map((p) => p * (1 - p))) }),
  },
};

/**
 * The two-layer network of the source document: z = W x + b1, h = ReLU(z), r = U h + b2, ŷ = softmax(r),
 * J = CE(y, ŷ) = −Σ y log ŷ. Gradients: ∂J/∂r = ŷ − y, ∂J/∂U = (ŷ − y) hᵀ, ∂J/∂b2 = ŷ − y, ∂J/∂h = Uᵀ(ŷ − y),
 * ∂J/∂z = mask ∘ ∂J/∂h, ∂J/∂W = (∂J/∂z) xᵀ, ∂J/∂b1 = ∂J/∂z, ∂J/∂x = Wᵀ ∂J/∂z.
 */
export function network(inp: NamedTensors, mistake = '') {
  const { W, x, b1, U, b2, y } = inp;
  const [k, n] = W.shape;
  const c = U.shape[0];
  const z = Array.from({ length: k }, (_, i) => b1.data[i] + x.data.reduce((s, v, j) => s + W.data[i * n + j] * v, 0));
  const h = z.map((v) => Math.max(0, v));
  const r = Array.from({ length: c }, (_, a) => b2.data[a] + h.reduce((s, v, i) => s + U.data[a * k + i] * v, 0));
  const p = softmaxOf(r);
  const loss = -p.reduce((s, v, a) => s + y.data[a] * Math.log(v), 0);
  const dr = p.map((v, a) => (mistake === 'p not p − y' ? v : v - y.data[a]));
  const dU = new Float64Array(c * k);
  for (let a = 0; a < c; a++) for (let i = 0; i < k; i++) dU[a * k + i] = dr[a] * h[i];
  const dh = Array.from({ length: k }, (_, i) => dr.reduce((s, v, a) => s + U.data[a * k + i] * v, 0));
  const dz = dh.map((v, i) => (mistake === 'no ReLU mask' || z[i] > 0 ? v : 0));
  const dW = new Float64Array(k * n);
  for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) dW[i * n + j] = dz[i] * (mistake === 'dW without x' ? 1 : x.data[j]);
  const dx = Array.from({ length: n }, (_, j) => dz.reduce((s, v, i) => s + W.data[i * n + j] * v, 0));
  return { loss, z, p, h, grad: { W: tensor([k, n], dW), b1: vec(mistake === 'b1 forgotten' ? dz.map(() => 0) : dz), U: tensor([c, k], dU), b2: vec(dr), x: vec(dx) } };
}

// Values kept away from 0, so that z = W x + b1 rarely sits at ReLU's kink.
const networkInputs = dims({ n: [1, 5], k: [1, 5], c: [2, 4] }).chain(({ n, k, c }) =>
  fc.record({
    W: spread([k, n], -2, 2, 0.3),
    x: spread([n], -2, 2, 0.3),
    b1: spread([k], -2, 2, 0.3),
    U: spread([c, k], -2, 2, 0.3),
    b2: spread([c], -2, 2, 0.3),
    y: fc.nat(c - 1).map((a) => vec(Array.from({ length: c }, (_, i) => (i === a ? 1 : 0)))),
  }),
) as fc.Arbitrary<NamedTensors>;

const networkWrt = ['W', 'x', 'b1', 'U', 'b2'];
const networkSpec = (mistake = ''): Record<string, CheckSpec> => {
  const base = { name: `two-layer network${mistake ? ` [${mistake}]` : ''}`, inputs: networkInputs, wrt: networkWrt, f: (i: NamedTensors) => network(i).loss };
  return {
    gradient: { ...base, gradient: (i) => network(i, mistake).grad },
    vjp: {
      ...base,
      vjp: (i, u) => {
        const g = network(i, mistake).grad as Record<string, Tensor>;
        return Object.fromEntries(Object.entries(g).map(([k, t]) => [k, tensor(t.shape, t.data.map((v) => v * u.data[0]))]));
      },
    },
    jvp: {
      ...base,
      jvp: (i, t) => {
        const g = network(i, mistake).grad as Record<string, Tensor>;
        return networkWrt.reduce((s, name) => s + g[name].data.reduce((a, v, j) => a + v * t[name].data[j], 0), 0);
      },
    },
  };
};

/**
 * Full mode as the reference: wherever it finds the mutant wrong by more than the size fast mode states it would
 * catch (its sensitivity on the correct derivative there), fast mode must flag it too.
 */
function expectFastFlagsWhereFullDoes(correct: CheckSpec, mutant: CheckSpec, seed: number, runs = 25): void {
  let wrong = 0;
  fc.assert(
    fc.property(mutant.inputs, (inp) => {
      const full = checkOnce(mutant, inp);
      // Inputs at a kink are out of scope (the property runner skips them).
      fc.pre(full.status !== 'nondifferentiable' && full.kinks === 0);
      if (full.status !== 'fail') return;
      const stated = checkOnce(correct, inp, FAST);
      fc.pre(stated.status === 'pass');
      const scale = Math.max(...full.jacobians.flatMap((p) => Array.from(p.numeric.data, Math.abs)));
      const size = Math.max(...full.jacobians.flatMap((p) => Array.from(p.analytic.data, (a, k) => Math.abs(a - p.numeric.data[k]))));
      if (!(size > stated.sensitivity! * scale)) return;
      wrong++;
      const fast = checkOnce(mutant, inp, FAST);
      expect(fast.status, `${mutant.name}: ${fast.message ?? ''}`).toBe('fail');
    }),
    { numRuns: runs, seed },
  );
  // The mutant must really be wrong at a good share of the inputs (fast-check favours zeros and tiny values, where
  // many mutants coincide with the truth), or the test proves nothing.
  expect(wrong).toBeGreaterThan(runs / 4);
}

describe('fast mode', () => {
  const classics = [linear, elementwise, softmax];
  for (const c of classics) {
    for (const [form, spec] of Object.entries(forms(c, c.jac))) {
      test(`${c.name} (${form}): the correct derivative passes at random inputs`, () => {
        fc.assert(
          fc.property(spec.inputs, (inp) => {
            const v = checkOnce(spec, inp, FAST);
            expect(v.status, v.message).toBe('pass');
            expect(v.fast?.probes).toBe(4);
          }),
          { numRuns: 40, seed: 1 },
        );
      });
      for (const [mistake, jac] of Object.entries(c.mutants)) {
        test(`${c.name} (${form}): flags the mutant "${mistake}"`, () => {
          expectFastFlagsWhereFullDoes(forms(c, c.jac)[form], forms(c, jac)[form], 2);
        });
      }
    }
  }

  for (const form of ['gradient', 'vjp', 'jvp']) {
    test(`two-layer network (${form}): the correct gradient passes`, () => {
      fc.assert(
        fc.property(networkInputs, (inp) => {
          const v = checkOnce(networkSpec()[form], inp, FAST);
          fc.pre(v.status !== 'nondifferentiable');
          expect(v.status, v.message).toBe('pass');
        }),
        { numRuns: 40, seed: 3 },
      );
    });
    for (const mistake of ['no ReLU mask', 'p not p − y', 'dW without x', 'b1 forgotten']) {
      test(`two-layer network (${form}): flags the mutant "${mistake}"`, () => {
        expectFastFlagsWhereFullDoes(networkSpec()[form], networkSpec(mistake)[form], 4, 30);
      });
    }
  }

  describe('on a 10⁴-entry input', () => {
    const n = 10_000;
    const r = rng(2024);
    const x = vec(Array.from({ length: n }, () => -3 + 6 * r.uniform()));
    const wrong = 4321;
    const d = (v: number, i: number) => (1 - Math.tanh(v) ** 2) * (i === wrong ? 1.01 : 1);
    const f = ({ x }: NamedTensors) => vec(x.data.map(Math.tanh));
    const specs: Record<string, CheckSpec> = {
      jvp: { name: 'tanh', inputs: fc.constant({ x }), f, jvp: ({ x }, t) => vec(x.data.map((v, i) => d(v, i) * t.data![i])) },
      vjp: { name: 'tanh', inputs: fc.constant({ x }), f, vjp: ({ x }, u) => vec(x.data.map((v, i) => d(v, i) * u.data[i])) },
    };
    for (const [form, spec] of Object.entries(specs)) {
      test(`localizes a single entry wrong by 1% (${form}), in a few hundred evaluations where full mode needs 2·10⁴ or more`, () => {
        const v = checkOnce(spec, { x }, FAST);
        expect(v.status).toBe('fail');
        expect(v.entries[0]).toMatchObject({ input: 'x', outIndex: wrong, inIndex: wrong });
        expect(v.entries[0].relError).toBeCloseTo(0.01 / 1.01, 3);
        expect(v.entries.filter((e) => !(e.absError <= e.tolerance))).toHaveLength(1);
        // Full mode's cost model: at least 2 evaluations per input entry (plus 2 at x).
        expect(v.evaluations).toBeLessThan((2 * n + 2) / 100);
        expect(v.fast!.localizationEvaluations).toBeGreaterThan(0);
      });
    }

    test('a scalar loss with one wrong gradient entry: fast mode localizes it with 1% of the evaluations full mode spends', () => {
      const c = vec(Array.from({ length: n }, () => r.uniform()));
      // ½ Σ c x², cheap enough for full mode's 2·10⁴ or more evaluations; ∇ = c ∘ x, entry 4321 off by 1%.
      const spec: CheckSpec = {
        name: '½ Σ c·x²',
        inputs: fc.constant({ x, c }),
        wrt: ['x'],
        f: ({ x, c }) => {
          let s = 0;
          for (let i = 0; i < n; i++) s += 0.5 * c.data[i] * x.data[i] * x.data[i];
          return s;
        },
        gradient: ({ x, c }) => vec(x.data.map((v, i) => c.data[i] * v * (i === wrong ? 1.01 : 1))),
      };
      const fast = checkOnce(spec, { x, c }, FAST);
      const full = checkOnce(spec, { x, c });
      expect(full.status).toBe('fail');
      expect(fast.status).toBe('fail');
      expect(fast.entries[0]).toMatchObject({ outIndex: 0, inIndex: wrong });
      expect(full.entries[0]).toMatchObject({ outIndex: 0, inIndex: wrong });
      expect(full.evaluations).toBeGreaterThanOrEqual(2 * n);
      expect(fast.evaluations * 100).toBeLessThan(full.evaluations);
    });

    test('an error spread thinly over every entry: a failing probe, no entry to blame, and values that show the difference', () => {
      // ∇ Σ tanh(x) + 0.6e-7 at x in [−0.5, 0.5]: each entry is off by less than rtol·|entry| (entries 0.79–1),
      // but a probe sums the offsets, c·Σ d_j against rtol·|Σ J_j d_j|, and can go past its tolerance.
      const c = 0.6e-7;
      let failed = 0;
      for (let seed = 1; seed <= 8; seed++) {
        const g = rng(seed);
        const xs = vec(Array.from({ length: n }, () => -0.5 + g.uniform()));
        const spec: CheckSpec = {
          name: 'sum tanh',
          inputs: fc.constant({ x: xs }),
          f: ({ x }) => x.data.reduce((s, v) => s + Math.tanh(v), 0),
          gradient: ({ x }) => vec(x.data.map((v) => 1 - Math.tanh(v) ** 2 + c)),
        };
        const v = checkOnce(spec, { x: xs }, FAST);
        expect(v.status).not.toBe('error');
        if (v.status !== 'fail') continue;
        failed++;
        expect(v.entries).toEqual([]);
        // Twelve significant digits: a digit string of 13 characters with its point.
        expect(v.message).toMatch(/is -?[\d.]{13}(e[-+]\d+)? analytically but -?[\d.]{13}(e[-+]\d+)? by finite differences .*a difference of \S+ against a tolerance of \S+.*spread over many entries/);
      }
      expect(failed).toBeGreaterThan(0);
    });

    test('a correct derivative passes and states its sensitivity and miss probability', () => {
      const spec: CheckSpec = { name: 'tanh', inputs: fc.constant({ x }), f, jvp: ({ x }, t) => vec(x.data.map((v, i) => (1 - Math.tanh(v) ** 2) * t.data![i])) };
      const v = checkOnce(spec, { x }, FAST);
      expect(v.status).toBe('pass');
      expect(v.fast).toMatchObject({ probes: 4, missProbability: 1e-3, localizationEvaluations: 0 });
      expect(v.sensitivity).toBeGreaterThan(0);
      expect(v.sensitivity).toBeLessThan(1e-4);
      // 2 at x and 2 per probe (each decided on two points): in float64 the Richardson stencil and the noise lines
      // are taken only when a probe does not plainly agree, looks like a kink, or looks noisy.
      expect(v.evaluations).toBe(2 + 2 * 4);
    });
  });

  test('an entry wrong near the threshold is localized, not lost in the bisection', () => {
    // ∇ Σ softplus(x) with entry 123 off by a relative 1e-6 (10 × rtol): near what a probe over ~500 inputs can
    // see. A half of the probe that holds the error can stay within its own tolerance (its relative part grows
    // with the half's J·v): the bisection must not then take the other half for granted.
    const sp = (v: number) => (v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v)));
    const sg = (v: number) => 1 / (1 + Math.exp(-v));
    let failed = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const g = rng(seed);
      const n = 500 + Math.floor(g.uniform() * 500);
      const xs = vec(Array.from({ length: n }, () => -3 + 6 * g.uniform()));
      const spec: CheckSpec = {
        name: 'sum softplus',
        inputs: fc.constant({ x: xs }),
        f: ({ x }) => x.data.reduce((s, v) => s + sp(v), 0),
        gradient: ({ x }) => vec(x.data.map((v, i) => sg(v) * (i === 123 ? 1 + 1e-6 : 1))),
      };
      const v = checkOnce(spec, { x: xs }, FAST);
      if (v.status !== 'fail') continue;
      failed++;
      expect(v.entries[0], `seed ${seed}: ${v.message ?? ''}`).toMatchObject({ inIndex: 123 });
    }
    // (At this size the probes catch it at about a third of the inputs; the others pass within the stated size.)
    expect(failed).toBeGreaterThan(2);
  });

  test('more probes cost 2 evaluations each (6 when one needs the Richardson stencil) and lower the size they miss with the stated probability', () => {
    const spec = forms(softmax, softmax.jac).jacobian;
    const inp = { x: vec([0.3, -1.2, 2.0, 0.7]) };
    const few = checkOnce(spec, inp, { mode: 'fast', probes: 2 });
    const many = checkOnce(spec, inp, { mode: 'fast', probes: 8 });
    // A probe along which J·v nearly cancels in some output sees a one-sided gap (the curvature) large next to that
    // slope: the two-point screen cannot tell it from a kink, and the probe takes the Richardson stencil, whose
    // screen can (2 + 4 evaluations instead of 2).
    expect(many.evaluations - few.evaluations).toBeGreaterThanOrEqual(2 * 6);
    expect(many.evaluations - few.evaluations).toBeLessThanOrEqual(6 * 8 - 2 * 2);
    expect(many.sensitivity!).toBeLessThan(few.sensitivity!);
  });

  test('a kink at x in one of 1000 coordinates is nondifferentiable, kinks near x are not failures', () => {
    const relu: CheckSpec = {
      name: 'relu',
      inputs: fc.constant({}) as fc.Arbitrary<NamedTensors>,
      f: ({ x }) => vec(x.data.map((v) => Math.max(0, v))),
      jvp: ({ x }, t) => vec(x.data.map((v, i) => (v > 0 ? t.data![i] : 0))),
    };
    const r = rng(9);
    const values = Array.from({ length: 1000 }, () => -3 + 6 * r.uniform());
    values[17] = 0;
    const at = checkOnce(relu, { x: vec(values) }, FAST);
    expect(at.status).toBe('nondifferentiable');
    // Located by bisecting the probe's coordinates down to the entry whose own ladder shows the kink.
    expect(at.message).toMatch(/^f has a kink at the input in x\[17\] \(seen along (a probe direction|\d probe directions)\)/);
    expect(at.kinks).toBe(1);
    // Between h/64 and h (h = 2^-13 here): the stencil straddles the kink, the finest rungs of the ladder do not.
    values[17] = 1e-5;
    values[400] = -3e-6;
    expect(checkOnce(relu, { x: vec(values) }, FAST).status).toBe('pass');
  });

  test('f that puts a new array in place of its input is named, in every form, at any call', () => {
    // sin-sum over 50 inputs; on one chosen call f replaces x.data (leaving the array fast mode moves untouched).
    const n = 50;
    const x = vec(Array.from({ length: n }, (_, i) => Math.sin(i + 1)));
    const swapping = (at: number) => {
      let calls = 0;
      return (inp: NamedTensors) => {
        const s = inp.x.data.reduce((a, v) => a + Math.sin(v), 0);
        if (++calls === at) (inp.x as { data: Float64Array }).data = Float64Array.from(inp.x.data, (v) => v + 0.5);
        return s;
      };
    };
    const cos = ({ x }: NamedTensors) => vec(Array.from(x.data, Math.cos));
    for (const at of [4, 10]) {
      const gradient: CheckSpec = { name: 'sin-sum', inputs: fc.constant({ x }), f: swapping(at), gradient: cos };
      const jvp: CheckSpec = { name: 'sin-sum', inputs: fc.constant({ x }), f: swapping(at), jvp: (i, t) => cos(i).data.reduce((a, c, j) => a + c * t.data![j], 0) };
      for (const spec of [gradient, jvp]) {
        const v = checkOnce(spec, { x }, FAST);
        expect(v.status, `call ${at}`).toBe('error');
        expect(v.message).toMatch(/^f \(during finite differences\) mutated its input x\[0\]/);
      }
    }
  });

  test('a kink the search cannot pin on one entry before its budget runs out still counts; an off-axis one passes with a notice', () => {
    const relu = (v: number) => Math.max(0, v);
    // relu(Σ_{j<m} x_j) − Σ relu(x_j) bends only off the axes, and soaks up the search along the left half;
    // relu(x_K) is an ordinary kink on its own axis. Before the budget rule this passed (sensitivity 577).
    const m = 128;
    const n = m + 2;
    const hidden: CheckSpec = {
      name: 'kink behind an off-axis one',
      inputs: fc.constant({}) as fc.Arbitrary<NamedTensors>,
      f: ({ x }) => {
        let s = 0;
        let r = 0;
        for (let j = 0; j < m; j++) {
          s += x.data[j];
          r += relu(x.data[j]);
        }
        return relu(s) - r + relu(x.data[m]) + Math.sin(x.data[m + 1]);
      },
      gradient: ({ x }) => vec(Array.from({ length: n }, (_, j) => (j === m + 1 ? Math.cos(x.data[m + 1]) : 0))),
    };
    expect(checkOnce(hidden, { x: vec(new Float64Array(n)) }, FAST).status).toBe('nondifferentiable');
    // relu(x0 + x1) − relu(x0) − relu(x1) at 0: no axis shows the bend (full mode passes too); fast mode passes
    // and says why the pass rests on the ladder, and counts what the search cost.
    const off: CheckSpec = {
      name: 'off-axis kink',
      inputs: fc.constant({}) as fc.Arbitrary<NamedTensors>,
      f: ({ x }) => relu(x.data[0] + x.data[1]) - relu(x.data[0]) - relu(x.data[1]),
      gradient: () => vec([0, 0]),
    };
    const v = checkOnce(off, { x: vec([0, 0]) }, FAST);
    expect(['pass', 'nondifferentiable']).toContain(v.status);
    if (v.status === 'pass') {
      expect(v.notice).toMatch(/no single input entry shows/);
      expect(v.fast!.localizationEvaluations).toBeGreaterThan(0);
    }
  });

  test('bad options are clear one-line errors', () => {
    const spec = forms(softmax, softmax.jac).jacobian;
    expect(() => checkOnce(spec, { x: vec([1, 2]) }, { mode: 'fast', probes: 0 })).toThrow(/probes to be a positive whole number, got 0/);
    expect(() => checkOnce(spec, { x: vec([1, 2]) }, { mode: 'fast', missProbability: 1 })).toThrow(/missProbability must lie strictly between 0 and 1/);
  });
});

describe('fast mode through the property runner', () => {
  test('a passing run reports the miss probability beside the sensitivity', async () => {
    const { runProperty } = await import('../property/index.js');
    const spec = forms(softmax, softmax.jac).jacobian;
    const r = runProperty(spec, { runs: 10, seed: 5, mode: 'fast' });
    expect(r.status).toBe('pass');
    expect(r.missProbability).toBe(1e-3);
    expect(r.sensitivity).toBeGreaterThan(0);
    const full = runProperty(spec, { runs: 10, seed: 5 });
    expect(full.missProbability).toBeUndefined();
  });
});
