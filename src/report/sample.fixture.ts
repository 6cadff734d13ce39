// Realistic reports for the writers' tests, the browser test and the README screenshot: small specs, some right
// and some wrong, run through the real property runner with fixed seeds. Not part of the package (see
// tsconfig.build.json).
import fc from 'fast-check';
import { dims, tensorOf } from '../arbitraries/index.js';
import type { CheckSpec, NamedTensors } from '../check/types.js';
import { runProperty } from '../property/index.js';
import type { CheckResult } from '../property/types.js';
import { scalar, tensor, type Tensor } from '../tensor/index.js';
import { buildReport, type Report } from './model.js';

/** A spec name that tries to inject markup into every writer. */
export const HOSTILE_NAME = '<img src=x onerror=alert(1)>';

type WX = NamedTensors & { W: Tensor; x: Tensor };

/** Forgets a spec's input type, so specs over different inputs sit in one list. */
const asSpec = <I extends NamedTensors>(spec: CheckSpec<I>): CheckSpec => spec as unknown as CheckSpec;

const matVec = (W: Tensor, x: Tensor): Tensor => {
  const [m, n] = W.shape;
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[i] += W.data[i * n + j] * x.data[j];
  return tensor([m], out);
};

const transpose = (W: Tensor): Tensor => {
  const [m, n] = W.shape;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[j * m + i] = W.data[i * n + j];
  return tensor([n, m], out);
};

/** ∂(W x)_i/∂W_kl = δ_ik x_l, as an [m, m·n] Jacobian. */
const jacobianWrtW = (W: Tensor, x: Tensor): Tensor => {
  const [m, n] = W.shape;
  const J = new Float64Array(m * m * n);
  for (let i = 0; i < m; i++) for (let l = 0; l < n; l++) J[i * m * n + i * n + l] = x.data[l];
  return tensor([m, m * n], J);
};

/** Square W (n×n) and x (n): a transposed Jacobian keeps the right shape, so the values must catch it. */
const squareInputs: fc.Arbitrary<WX> = dims({ n: [2, 5] }).chain(({ n }) => fc.record({ W: tensorOf([n, n]), x: tensorOf([n]) }));
const denseInputs: fc.Arbitrary<WX> = dims({ m: [1, 6], n: [1, 6] }).chain(({ m, n }) => fc.record({ W: tensorOf([m, n]), x: tensorOf([n]) }));

/** z = W x, ∂z/∂x = W and ∂z/∂W by hand: right. */
export const linearMap: CheckSpec = asSpec({
  name: 'linear map W x',
  inputs: denseInputs,
  f: ({ W, x }) => matVec(W, x),
  jacobian: ({ W, x }) => ({ W: jacobianWrtW(W, x), x: W }),
});

/** z = W x with ∂z/∂x given as Wᵀ: wrong (the classic layout mistake). */
export const transposedJacobian: CheckSpec = asSpec({
  name: 'linear map W x [transposed]',
  inputs: squareInputs,
  wrt: ['x'],
  f: ({ W, x }) => matVec(W, x),
  jacobian: ({ W }) => transpose(W),
});

/** A fixed 8-output, 6×8 + 8-input layer tanh(W x) whose ∂/∂W forgets tanh′ (a mistake in every entry). */
const layerInputs: fc.Arbitrary<WX> = fc.record({ W: tensorOf([8, 8], { min: -0.6, max: 0.6 }), x: tensorOf([8], { min: -1, max: 1 }) });
export const tanhLayer: CheckSpec = asSpec({
  name: 'tanh layer [missing tanh′ in ∂/∂W]',
  inputs: layerInputs,
  f: ({ W, x }) => {
    const z = matVec(W, x);
    return tensor(z.shape, z.data.map(Math.tanh));
  },
  jacobian: ({ W, x }) => {
    const z = matVec(W, x);
    const d = z.data.map((v) => 1 - Math.tanh(v) ** 2);
    const JW = jacobianWrtW(W, x); // missing the tanh′ factor: wrong wherever x_l ≠ 0
    const Jx = tensor(W.shape, W.data.map((w, k) => d[Math.floor(k / W.shape[1])] * w));
    return { W: JW, x: Jx };
  },
});

/** An input name that tries to close a script element and inject HTML. */
export const HOSTILE_INPUT = '</script><img src=y onerror=alert(2)>';

/** ½‖v‖², gradient v, given with the wrong sign, under names that try to inject HTML. */
export const hostile: CheckSpec = {
  name: HOSTILE_NAME,
  inputs: dims({ n: [1, 4] }).chain(({ n }) => fc.record({ [HOSTILE_INPUT]: tensorOf([n]) })),
  f: (inp) => scalar(0.5 * inp[HOSTILE_INPUT].data.reduce((s, v) => s + v * v, 0)),
  gradient: (inp) => ({ [HOSTILE_INPUT]: tensor(inp[HOSTILE_INPUT].shape, inp[HOSTILE_INPUT].data.map((v) => -v)) }),
};

/** f = |x| at x = 0, always: nondifferentiable everywhere it is checked. */
export const kinkOnly: CheckSpec = asSpec({
  name: 'abs at its kink',
  inputs: fc.constant({ x: tensor([1], [0]) }),
  f: ({ x }) => scalar(Math.abs(x.data[0])),
  gradient: ({ x }) => tensor([1], [Math.sign(x.data[0])]),
});

/** A derivative that throws: an error verdict with a one-line message. */
export const throwing: CheckSpec = asSpec({
  name: 'gradient that throws',
  inputs: fc.record({ x: tensorOf([3]) }),
  f: ({ x }) => scalar(x.data.reduce((s, v) => s + v, 0)),
  gradient: () => {
    throw new Error('weights not initialised');
  },
});

/** A 40-output × 60-input Jacobian with one wrong entry: large enough that the HTML report downsamples it. */
const bigInputs = fc.record({ x: tensorOf([60], { min: 0.5, max: 2 }) });
export const BIG_WRONG = { out: 29, in: 47 } as const;
export const bigJacobian: CheckSpec = asSpec({
  name: 'big Jacobian with one wrong entry',
  inputs: bigInputs,
  // out_i = Σ_j sin(i + j) x_j², ∂out_i/∂x_j = 2 sin(i + j) x_j.
  f: ({ x }) => {
    const out = new Float64Array(40);
    for (let i = 0; i < 40; i++) for (let j = 0; j < 60; j++) out[i] += Math.sin(i + j) * x.data[j] ** 2;
    return tensor([40], out);
  },
  jacobian: ({ x }) => {
    const J = new Float64Array(40 * 60);
    for (let i = 0; i < 40; i++) for (let j = 0; j < 60; j++) J[i * 60 + j] = 2 * Math.sin(i + j) * x.data[j];
    J[BIG_WRONG.out * 60 + BIG_WRONG.in] += 0.5;
    return tensor([40, 60], J);
  },
});

/** Runs specs with a fixed seed and few runs (fast and reproducible). */
export function runSamples(specs: readonly CheckSpec[], runs = 20, seed = 20240601): CheckResult[] {
  return specs.map((s) => runProperty(s, { runs, seed }));
}

/** A report over every sample spec: passes, failures, an error, a nondifferentiable check. */
export function sampleReport(specs: readonly CheckSpec[] = allSamples()): Report {
  const started = performance.now();
  const checks = runSamples(specs).map((c) => ({ ...c, source: 'specs/layers.ts' }));
  const report = buildReport(checks, { startedAt: new Date('2025-01-01T12:00:00Z'), version: '0.1.0', config: { command: 'check', modules: ['specs/layers.ts'], runs: 20 } });
  report.durationMs = performance.now() - started;
  return report;
}

/** Every sample spec, right ones first. */
export function allSamples(): CheckSpec[] {
  return [linearMap, transposedJacobian, tanhLayer, hostile, kinkOnly, throwing, bigJacobian];
}

/** A hand-built failing check: a 2×2 Jacobian given as exactly 2 × the right one, with the hint that says so. */
export function scaledCheck(): CheckResult {
  const numeric = [1.5, -0.5, 0.25, 2];
  return {
    name: 'example-2/scaled',
    status: 'fail',
    runs: 7,
    skipped: 0,
    seed: 1234,
    path: '6:0',
    evaluations: 40,
    durationMs: 3,
    maxRelError: 0,
    shrinks: 2,
    hints: ['scaled'],
    diagnoses: [{ hint: 'scaled', detail: 'analytic = 2 × numeric', factor: 2 }],
    counterexample: {
      inputs: { x: { shape: [2], data: [0.5, -1] } },
      wrt: ['x'],
      maxAbsError: 2,
      maxRelError: 0.5,
      outputShape: [2],
      wrongEntries: 4,
      totalEntries: 4,
      entries: [
        { input: 'x', outIndex: 1, inIndex: 1, analytic: 4, numeric: 2, absError: 2, relError: 0.5, errorEstimate: 1e-12, tolerance: 4e-7 },
        { input: 'x', outIndex: 0, inIndex: 0, analytic: 3, numeric: 1.5, absError: 1.5, relError: 0.5, errorEstimate: 1e-12, tolerance: 3e-7 },
      ],
      jacobians: [{ input: 'x', inputShape: [2], outputShape: [2], analytic: { shape: [2, 2], data: numeric.map((v) => 2 * v) }, numeric: { shape: [2, 2], data: numeric } }],
    },
  };
}

/** A hand-built report: a pass, a failure with a hint, an error and a nondifferentiable check (no runs needed). */
export function constructedReport(): Report {
  const pass: CheckResult = { name: 'example-1/linear-map', status: 'pass', runs: 100, skipped: 0, seed: 1, evaluations: 900, durationMs: 12, maxRelError: 3e-10, sensitivity: 1e-7, hints: [] };
  const error: CheckResult = {
    name: 'example-3/throws',
    status: 'error',
    runs: 1,
    skipped: 0,
    seed: 5,
    path: '0',
    evaluations: 1,
    durationMs: 1,
    maxRelError: 0,
    hints: [],
    message: 'gradient threw: boom & <bust>',
  };
  const kink: CheckResult = { name: 'example-4/abs', status: 'nondifferentiable', runs: 201, skipped: 201, seed: 9, evaluations: 800, durationMs: 4, maxRelError: 0, hints: [], message: '201 of 201 inputs sat at a kink; too few smooth inputs to check' };
  const report = buildReport([pass, scaledCheck(), error, kink], { startedAt: new Date('2025-01-01T12:00:00Z'), version: '0.1.0', config: { command: 'catalog', runs: 100, seed: null } });
  report.durationMs = 20;
  return report;
}

// The README's demonstration: the mistakes people make, on inputs kept away from zero so that the shrunk
// counterexamples stay readable.

const relu = (v: number) => Math.max(0, v);
/** Values in [-3, 3] at least 0.25 away from zero. */
const AWAY = { awayFrom: [0], margin: 0.25 };
/** W (4×5) with rows of alternating sign, and x > 0: odd rows of W x are negative, so ReLU masks them. */
const maskedInputs = fc.record({
  W: tensorOf([4, 5], { min: 0.5, max: 2 }).map((W) => tensor(W.shape, W.data.map((w, k) => (Math.floor(k / 5) % 2 === 1 ? -w : w)))),
  x: tensorOf([5], { min: 0.5, max: 2 }),
});

/** The demonstration specs: one right, and the classic mistakes (layout, missing mask, factor 2, one bad entry). */
export function demoSpecs(): CheckSpec[] {
  return [
    asSpec({
      ...linearMap,
      name: 'dense/W x',
      inputs: dims({ m: [1, 6], n: [1, 6] }).chain(({ m, n }) => fc.record({ W: tensorOf([m, n], AWAY), x: tensorOf([n], AWAY) })),
    }),
    asSpec({
      name: 'relu/relu(W x) [missing mask]',
      inputs: maskedInputs,
      wrt: ['x'],
      f: ({ W, x }) => tensor([4], matVec(W, x).data.map(relu)),
      jacobian: ({ W }) => W, // should be diag(W x > 0) · W
    }),
    asSpec({
      name: 'dense/W x [transposed ∂z/∂x]',
      inputs: dims({ n: [3, 6] }).chain(({ n }) => fc.record({ W: tensorOf([n, n], AWAY), x: tensorOf([n], AWAY) })),
      wrt: ['x'],
      f: ({ W, x }) => matVec(W, x),
      jacobian: ({ W }) => transpose(W),
    }),
    asSpec({
      name: 'quadratic/½ xᵀA x [factor 2]',
      inputs: dims({ n: [2, 6] }).chain(({ n }) => fc.record({ A: tensorOf([n, n], AWAY), x: tensorOf([n], AWAY) })),
      wrt: ['x'],
      // f = ½ xᵀ A x, ∇f = ½ (A + Aᵀ) x; the bug forgets the ½.
      f: ({ A, x }) => scalar(0.5 * x.data.reduce((s, xi, i) => s + xi * matVec(A, x).data[i], 0)),
      gradient: ({ A, x }) => {
        const Ax = matVec(A, x).data;
        const Atx = matVec(transpose(A), x).data;
        return tensor(x.shape, Ax.map((v, i) => v + Atx[i]));
      },
    }),
    bigJacobian,
    kinkOnly,
    throwing,
  ];
}

/** A report over the demonstration specs, as `gradproof check specs/layers.ts` would write it. */
export function demoReport(): Report {
  return sampleReport(demoSpecs());
}
