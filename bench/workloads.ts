import fc from 'fast-check';
import type { CheckSpec, NamedTensors } from '../src/check/index.js';
import type { Tensor } from '../src/tensor/index.js';

/** The benchmark families, after the source document's examples. */
export type Family = 'dense' | 'grad-W' | 'tanh' | 'relu' | 'mlp' | 'tanh-jvp';

/** One benchmark workload: a spec, the fixed input it is checked at, and what the peer script needs to rebuild it. */
export interface Workload {
  /** e.g. 'dense 64', 'mlp 64-32-10'. */
  name: string;
  family: Family;
  /** The sizes: [n] for dense, grad-W, tanh and relu (m = n), [input, hidden, output] for mlp. */
  sizes: number[];
  spec: CheckSpec;
  /** The fixed input (every tensor, differentiated or not). */
  inputs: NamedTensors;
  /** The differentiated inputs, in order. */
  wrt: string[];
}

/** A small deterministic generator (mulberry32) so both sides of a comparison see the same numbers. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uniform(next: () => number, n: number, lo: number, hi: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * next();
  return out;
}

/** Values in ±[0.1, 3]: kept away from ReLU's kink at 0. */
function awayFromZero(next: () => number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (next() < 0.5 ? -1 : 1) * (0.1 + 2.9 * next());
  return out;
}

/**
 * out = A v for A ∈ R^{rows×cols} (row-major), four rows at a time: each entry of v is loaded once per four rows, and
 * four independent sums keep the adder busy (one running sum would time its latency, not the arithmetic; PyTorch's
 * side uses BLAS).
 */
export function matVec(a: Float64Array, rows: number, cols: number, v: Float64Array, out: Float64Array): Float64Array {
  let i = 0;
  for (; i + 3 < rows; i += 4) {
    const r0 = i * cols;
    const r1 = r0 + cols;
    const r2 = r1 + cols;
    const r3 = r2 + cols;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < cols; j++) {
      const x = v[j];
      s0 += a[r0 + j] * x;
      s1 += a[r1 + j] * x;
      s2 += a[r2 + j] * x;
      s3 += a[r3 + j] * x;
    }
    out[i] = s0;
    out[i + 1] = s1;
    out[i + 2] = s2;
    out[i + 3] = s3;
  }
  for (; i < rows; i++) {
    let s = 0;
    const r = i * cols;
    for (let j = 0; j < cols; j++) s += a[r + j] * v[j];
    out[i] = s;
  }
  return out;
}

function t(shape: number[], data: Float64Array): Tensor {
  return { shape, data };
}

function constant(inputs: NamedTensors): fc.Arbitrary<NamedTensors> {
  return fc.constant(inputs);
}

/** z = W x, W ∈ R^{n×n} (Example 1): ∂z/∂x = W, checked with respect to x. */
export function dense(n: number, seed = 1): Workload {
  const next = rng(seed);
  const W = t([n, n], uniform(next, n * n, -1, 1));
  const x = t([n], uniform(next, n, -1, 1));
  const inputs = { W, x };
  const spec: CheckSpec = {
    name: `bench/dense-${n}`,
    inputs: constant(inputs),
    wrt: ['x'],
    f: ({ W, x }) => {
      const w = W.data;
      const v = x.data;
      return t([n], matVec(w, n, n, v, new Float64Array(n)));
    },
    jacobian: ({ W }) => W,
  };
  return { name: `dense ${n}`, family: 'dense', sizes: [n], spec, inputs, wrt: ['x'] };
}

/** J = c·(W x), W ∈ R^{n×n} (Example 4 with δ = c): ∂J/∂W = c xᵀ, shaped like W, checked with respect to W. */
export function gradW(n: number, seed = 2): Workload {
  const next = rng(seed);
  const W = t([n, n], uniform(next, n * n, -1, 1));
  const x = t([n], uniform(next, n, -1, 1));
  const c = t([n], uniform(next, n, -1, 1));
  const inputs = { W, x, c };
  const spec: CheckSpec = {
    name: `bench/grad-W-${n}`,
    inputs: constant(inputs),
    wrt: ['W'],
    f: ({ W, x, c }) => {
      const w = W.data;
      const v = x.data;
      const d = c.data;
      const z = matVec(w, n, n, v, new Float64Array(n));
      let J = 0;
      for (let i = 0; i < n; i++) J += d[i] * z[i];
      return t([], Float64Array.of(J));
    },
    gradient: ({ x, c }) => {
      const g = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) g[i * n + j] = c.data[i] * x.data[j];
      return { W: t([n, n], g) };
    },
  };
  return { name: `grad-W ${n}`, family: 'grad-W', sizes: [n], spec, inputs, wrt: ['W'] };
}

/** tanh of every entry, as a fresh tensor. */
function tanhOf(x: Tensor): Tensor {
  const n = x.data.length;
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) z[i] = Math.tanh(x.data[i]);
  return t([n], z);
}

/** z = tanh(x) elementwise (Example 2): ∂z/∂x = diag(1 − tanh²(x)). */
export function tanh(n: number, seed = 3): Workload {
  const next = rng(seed);
  const inputs = { x: t([n], uniform(next, n, -3, 3)) };
  const spec: CheckSpec = {
    name: `bench/tanh-${n}`,
    inputs: constant(inputs),
    wrt: ['x'],
    f: ({ x }) => tanhOf(x),
    jacobian: ({ x }) => {
      const J = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        const y = Math.tanh(x.data[i]);
        J[i * n + i] = 1 - y * y;
      }
      return t([n, n], J);
    },
  };
  return { name: `tanh ${n}`, family: 'tanh', sizes: [n], spec, inputs, wrt: ['x'] };
}

/** z = ReLU(x) elementwise (Example 2), at inputs in ±[0.1, 3]: ∂z/∂x = diag(x > 0). */
export function relu(n: number, seed = 4): Workload {
  const next = rng(seed);
  const inputs = { x: t([n], awayFromZero(next, n)) };
  const spec: CheckSpec = {
    name: `bench/relu-${n}`,
    inputs: constant(inputs),
    wrt: ['x'],
    f: ({ x }) => {
      const z = new Float64Array(n);
      for (let i = 0; i < n; i++) z[i] = x.data[i] > 0 ? x.data[i] : 0;
      return t([n], z);
    },
    jacobian: ({ x }) => {
      const J = new Float64Array(n * n);
      for (let i = 0; i < n; i++) J[i * n + i] = x.data[i] > 0 ? 1 : 0;
      return t([n, n], J);
    },
  };
  return { name: `relu ${n}`, family: 'relu', sizes: [n], spec, inputs, wrt: ['x'] };
}

/** Forward pass of the two-layer network; returns J and, when wanted, the intermediates backprop needs. */
function mlpForward(
  sizes: readonly [number, number, number],
  { x, W, b1, U, b2, y }: NamedTensors,
  keep?: { h: Float64Array; z: Float64Array; p: Float64Array },
  probabilities = keep !== undefined,
): number {
  const [ni, nh, no] = sizes;
  const xd = x.data;
  const Wd = W.data;
  const b1d = b1.data;
  const Ud = U.data;
  const b2d = b2.data;
  const z = keep?.z ?? new Float64Array(nh);
  const h = keep?.h ?? new Float64Array(nh);
  matVec(Wd, nh, ni, xd, z);
  for (let i = 0; i < nh; i++) {
    const s = z[i] + b1d[i];
    z[i] = s;
    h[i] = s > 0 ? s : 0;
  }
  const r = keep?.p ?? new Float64Array(no);
  let max = -Infinity;
  matVec(Ud, no, nh, h, r);
  for (let k = 0; k < no; k++) {
    const s = r[k] + b2d[k];
    r[k] = s;
    if (s > max) max = s;
  }
  let sum = 0;
  for (let k = 0; k < no; k++) sum += Math.exp(r[k] - max);
  const logSum = Math.log(sum) + max;
  // J = −Σ y_k log ŷ_k with log ŷ_k = r_k − log Σ exp r.
  let J = 0;
  for (let k = 0; k < no; k++) if (y.data[k] !== 0) J -= y.data[k] * (r[k] - logSum);
  if (probabilities) for (let k = 0; k < no; k++) r[k] = Math.exp(r[k] - logSum);
  return J;
}

/**
 * The two-layer network of Example 5: z = W x + b1, h = ReLU(z), r = U h + b2, ŷ = softmax(r), J = CE(y, ŷ),
 * checked with respect to W, b1, U, b2 (x and the one-hot y held fixed); every z_i is kept at least 0.1 from 0.
 */
export function mlp(ni: number, nh: number, no: number, seed = 5): Workload {
  const sizes = [ni, nh, no] as const;
  const next = rng(seed);
  const x = t([ni], uniform(next, ni, -1, 1));
  const W = t([nh, ni], uniform(next, nh * ni, -1 / Math.sqrt(ni), 1 / Math.sqrt(ni)));
  const b1 = t([nh], uniform(next, nh, -0.5, 0.5));
  const U = t([no, nh], uniform(next, no * nh, -1 / Math.sqrt(nh), 1 / Math.sqrt(nh)));
  const b2 = t([no], uniform(next, no, -0.5, 0.5));
  const y = t([no], new Float64Array(no));
  y.data[Math.floor(next() * no)] = 1;
  // Push each pre-activation z_i = (W x)_i + b1_i at least 0.1 away from ReLU's kink.
  for (let i = 0; i < nh; i++) {
    let s = b1.data[i];
    for (let j = 0; j < ni; j++) s += W.data[i * ni + j] * x.data[j];
    if (Math.abs(s) < 0.1) b1.data[i] += (s >= 0 ? 0.1 : -0.1) - s;
  }
  const inputs = { x, W, b1, U, b2, y };
  const wrt = ['W', 'b1', 'U', 'b2'];
  const work = { z: new Float64Array(nh), h: new Float64Array(nh), p: new Float64Array(no) };
  const spec: CheckSpec = {
    name: `bench/mlp-${ni}-${nh}-${no}`,
    inputs: constant(inputs),
    wrt,
    // The forward pass works in buffers of its own (allocated once, as a JavaScript network would) and returns J as
    // a number.
    f: (inp) => mlpForward(sizes, inp, work, false),
    gradient: (inp) => {
      const keep = { z: new Float64Array(nh), h: new Float64Array(nh), p: new Float64Array(no) };
      mlpForward(sizes, inp, keep);
      const d1 = new Float64Array(no);
      for (let k = 0; k < no; k++) d1[k] = keep.p[k] - inp.y.data[k];
      const gU = new Float64Array(no * nh);
      for (let k = 0; k < no; k++) for (let i = 0; i < nh; i++) gU[k * nh + i] = d1[k] * keep.h[i];
      const d2 = new Float64Array(nh);
      for (let i = 0; i < nh; i++) {
        let s = 0;
        for (let k = 0; k < no; k++) s += d1[k] * inp.U.data[k * nh + i];
        d2[i] = keep.z[i] > 0 ? s : 0;
      }
      const gW = new Float64Array(nh * ni);
      for (let i = 0; i < nh; i++) for (let j = 0; j < ni; j++) gW[i * ni + j] = d2[i] * inp.x.data[j];
      return { W: t([nh, ni], gW), b1: t([nh], d2), U: t([no, nh], gU), b2: t([no], d1) };
    },
  };
  return { name: `mlp ${ni}-${nh}-${no}`, family: 'mlp', sizes: [ni, nh, no], spec, inputs, wrt };
}

/** The sweep of the issue: dense, grad-W, tanh, relu at 8, 64, 256, and the network at 4-5-3, 64-32-10, 256-128-10. */
export function sweep(): Workload[] {
  const sizes = [8, 64, 256];
  return [
    ...sizes.map((n) => dense(n)),
    ...sizes.map((n) => gradW(n)),
    ...sizes.map((n) => tanh(n)),
    ...sizes.map((n) => relu(n)),
    mlp(4, 5, 3),
    mlp(64, 32, 10),
    mlp(256, 128, 10),
  ];
}

/**
 * z = tanh(x) elementwise through the jvp form (J·t = (1 − tanh² x) ∘ t), n = 4096: a 4096×4096 Jacobian of
 * 16.8M entries, over the default --max-jacobian-entries (10⁷), so full mode streams it in blocks of columns.
 */
export function tanhJvp(n: number, seed = 6): Workload {
  const next = rng(seed);
  const inputs = { x: t([n], uniform(next, n, -3, 3)) };
  const spec: CheckSpec = {
    name: `bench/tanh-jvp-${n}`,
    inputs: constant(inputs),
    wrt: ['x'],
    f: ({ x }) => tanhOf(x),
    jvp: ({ x }, tangent) => {
      const out = new Float64Array(n);
      const w = tangent.x.data;
      for (let i = 0; i < n; i++) {
        const y = Math.tanh(x.data[i]);
        out[i] = (1 - y * y) * w[i];
      }
      return t([n], out);
    },
  };
  return { name: `tanh-jvp ${n} (streamed)`, family: 'tanh-jvp', sizes: [n], spec, inputs, wrt: ['x'] };
}

/** Workloads over the default Jacobian budget: measured in full mode for the memory a streamed check keeps. */
export function streamedSweep(): Workload[] {
  return [tanhJvp(4096)];
}
