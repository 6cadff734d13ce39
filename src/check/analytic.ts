import { formatShape, isTensor, shapeEquals, sizeOf, type Tensor } from '../tensor/index.js';
import { Matrix } from 'ml-matrix';
import { asTensor, assertFinite, callUser, ShapeMismatch, UserCodeError } from './user-call.js';
import type { CheckSpec, DerivativeKind, DerivativeResult, NamedTensors, Tangents } from './types.js';

/** The derivative form a spec gives, or an error when it gives none or several. */
export function derivativeKind(spec: Pick<CheckSpec, 'jacobian' | 'gradient' | 'vjp' | 'jvp'>): DerivativeKind {
  const kinds = (['jacobian', 'gradient', 'vjp', 'jvp'] as const).filter((k) => typeof spec[k] === 'function');
  if (kinds.length !== 1) {
    throw new UserCodeError(
      kinds.length === 0
        ? 'the spec gives no derivative: add exactly one of jacobian, gradient, vjp, jvp'
        : `the spec gives ${kinds.join(' and ')}: give exactly one derivative form`,
    );
  }
  return kinds[0];
}

function isBareTensorLike(value: unknown): boolean {
  return (
    typeof value === 'number' ||
    Array.isArray(value) ||
    isTensor(value) ||
    value instanceof Float64Array ||
    value instanceof Float32Array ||
    Matrix.isMatrix(value)
  );
}

/** Reads the per-input tensors out of a derivative's result, each a fresh copy (a bare tensor is allowed for one input). */
export function perInput(what: string, result: DerivativeResult, wrt: readonly string[]): Record<string, Tensor> {
  if (wrt.length === 1 && isBareTensorLike(result)) return { [wrt[0]]: asTensor(what, result) };
  if (typeof result !== 'object' || result === null || isBareTensorLike(result)) {
    throw new UserCodeError(`${what} returned ${Array.isArray(result) ? 'an array' : typeof result}, expected a record by input name (${wrt.join(', ')})`);
  }
  const out: Record<string, Tensor> = {};
  const rec = result as Record<string, unknown>;
  for (const name of wrt) {
    if (!(name in rec) || rec[name] === undefined) throw new UserCodeError(`${what} returned no entry for input "${name}"`);
    out[name] = asTensor(`${what} for "${name}"`, rec[name]);
  }
  return out;
}

/** Checks that a derivative shaped like an input has that shape; a transposed matrix shape is a mismatch with a hint. */
export function expectInputShape(what: string, t: Tensor, inShape: readonly number[]): void {
  if (shapeEquals(t.shape, inShape)) return;
  const n = sizeOf(inShape);
  const isVector = inShape.length <= 1 || inShape.filter((d) => d !== 1).length <= 1;
  if (isVector && t.data.length === n && t.shape.filter((d) => d !== 1).length <= 1) return; // [n], [1,n], [n,1]: same vector
  const transposed = inShape.length === 2 && t.shape.length === 2 && t.shape[0] === inShape[1] && t.shape[1] === inShape[0];
  throw new ShapeMismatch(
    `${what} has shape ${formatShape(t.shape)}, expected ${formatShape(inShape)}${transposed ? ' (it is the transpose)' : ''}`,
    transposed ? ['shape-mismatch', 'transposed'] : ['shape-mismatch'],
  );
}

/**
 * The analytic derivative of a spec at one input, asked the questions the finite differences can answer: J·w, uᵀJ and
 * single columns, from whichever form the spec gives, each call's result checked for shape and finiteness.
 */
export interface AnalyticOracle {
  readonly kind: DerivativeKind;
  /** J·w over all differentiated inputs (w flat, one array per input); absent for the vjp form. */
  readonly jvp?: (w: readonly Float64Array[]) => Float64Array;
  /** uᵀJ, one flat array per differentiated input; absent for the jvp form. */
  readonly vjp?: (u: Float64Array) => Float64Array[];
  /** Column j of input b's Jacobian; absent for the vjp form. */
  readonly column?: (b: number, j: number) => Float64Array;
  /** The full Jacobians ([outSize, inSize] per input), when the form hands them over whole (jacobian, gradient). */
  readonly full?: Float64Array[];
  /** The largest |entry| over the full Jacobians (with `full` only). */
  readonly largestEntry?: () => number;
  /** Derivative calls made so far. */
  readonly calls: number;
}

/** Builds the analytic oracle of a spec at the given inputs; `label` names the derivative in messages. */
export function analyticOracle(spec: CheckSpec, inputs: NamedTensors, wrt: readonly string[], outShape: readonly number[], label?: string): AnalyticOracle {
  const kind = derivativeKind(spec);
  const name = label ?? kind;
  const outSize = sizeOf(outShape);
  const sizes = wrt.map((n) => inputs[n].data.length);
  let calls = 0;

  if (kind === 'jacobian' || kind === 'gradient') {
    const full = kind === 'jacobian' ? wholeJacobian(spec, inputs, wrt, outShape, name) : wholeGradient(spec, inputs, wrt, outShape, name);
    calls = 1;
    // Each input's Jacobian in compressed rows when most of it is 0 (an elementwise function's diagonal), read once
    // at the first product.
    let sparse: (SparseRows | undefined)[] | undefined;
    return {
      kind,
      full,
      calls,
      largestEntry: () => full.reduce((m, J, b) => Math.max(m, largestMagnitude(sparse?.[b]?.values ?? J)), 0),
      jvp: (w) => {
        sparse ??= full.map((J, b) => sparseRows(J, outSize, sizes[b]));
        const out = new Float64Array(outSize);
        for (let b = 0; b < full.length; b++) {
          const S = sparse[b];
          if (S) addSparseProduct(out, S, w[b]);
          else addProduct(out, full[b], w[b]);
        }
        return out;
      },
      vjp: (u) =>
        full.map((J, b) => {
          const n = sizes[b];
          const g = new Float64Array(n);
          for (let i = 0; i < outSize; i++) {
            if (u[i] === 0) continue;
            for (let j = 0; j < n; j++) g[j] += u[i] * J[i * n + j];
          }
          return g;
        }),
      column: (b, j) => {
        const n = sizes[b];
        const c = new Float64Array(outSize);
        for (let i = 0; i < outSize; i++) c[i] = full[b][i * n + j];
        return c;
      },
    };
  }

  if (kind === 'vjp') {
    const oracle = {
      kind,
      calls: 0,
      vjp: (u: Float64Array): Float64Array[] => {
        const cot = { shape: [...outShape], data: Float64Array.from(u) };
        const res = perInput(name, callUser(name, () => spec.vjp!(inputs, cot)), wrt);
        oracle.calls++;
        return wrt.map((w) => {
          expectInputShape(`${name} for "${w}"`, res[w], inputs[w].shape);
          assertFinite(`${name} for "${w}"`, res[w]);
          return res[w].data;
        });
      },
    };
    return oracle;
  }

  const oracle = {
    kind,
    calls: 0,
    jvp: (w: readonly Float64Array[]): Float64Array => {
      const tangents: Record<string, Tensor> = {};
      wrt.forEach((n, b) => (tangents[n] = { shape: [...inputs[n].shape], data: Float64Array.from(w[b]) }));
      const arg: Tangents = wrt.length === 1 ? Object.assign({ shape: tangents[wrt[0]].shape, data: tangents[wrt[0]].data }, tangents) : tangents;
      const out = asTensor(name, callUser(name, () => spec.jvp!(inputs, arg)));
      oracle.calls++;
      if (!shapeEquals(out.shape, outShape) && !(out.data.length === outSize && out.shape.filter((d) => d !== 1).length <= 1 && outShape.filter((d) => d !== 1).length <= 1)) {
        throw new ShapeMismatch(`${name} returned shape ${formatShape(out.shape)}, expected f's output shape ${formatShape(outShape)}`, ['shape-mismatch']);
      }
      assertFinite(name, out);
      return out.data;
    },
    column: (b: number, j: number): Float64Array => {
      const w = sizes.map((n) => new Float64Array(n));
      w[b][j] = 1;
      return oracle.jvp(w);
    },
  };
  return oracle;
}

/** A matrix's nonzero entries by row: row i holds values[start[i] … start[i + 1] − 1] at columns cols[…]. */
interface SparseRows {
  start: Int32Array;
  cols: Int32Array;
  values: Float64Array;
}

/** A row-major rows×cols matrix in compressed rows when at most a quarter of its entries are nonzero, else undefined. */
function sparseRows(J: Float64Array, rows: number, cols: number): SparseRows | undefined {
  const limit = (rows * cols) >> 2;
  const start = new Int32Array(rows + 1);
  const colIndex = new Int32Array(limit);
  const values = new Float64Array(limit);
  let at = 0;
  for (let i = 0; i < rows; i++) {
    start[i] = at;
    const row = i * cols;
    for (let j = 0; j < cols; j++) {
      const v = J[row + j];
      if (v === 0) continue;
      if (at === limit) return undefined;
      colIndex[at] = j;
      values[at++] = v;
    }
  }
  start[rows] = at;
  return { start, cols: colIndex.subarray(0, at), values: values.subarray(0, at) };
}

/** The largest |v| over an array (0 when it is empty). */
function largestMagnitude(v: Float64Array): number {
  let m = 0;
  for (let k = 0; k < v.length; k++) {
    const a = Math.abs(v[k]);
    if (a > m) m = a;
  }
  return m;
}

/** out += S·w for a matrix in compressed rows. */
function addSparseProduct(out: Float64Array, S: SparseRows, w: Float64Array): void {
  const { start, cols, values } = S;
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (let k = start[i]; k < start[i + 1]; k++) s += values[k] * w[cols[k]];
    out[i] += s;
  }
}

/** out += J·w for a row-major J of out.length rows. */
function addProduct(out: Float64Array, J: Float64Array, w: Float64Array): void {
  const n = w.length;
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    const row = i * n;
    for (let j = 0; j < n; j++) s += J[row + j] * w[j];
    out[i] += s;
  }
}

function wholeJacobian(spec: CheckSpec, inputs: NamedTensors, wrt: readonly string[], outShape: readonly number[], label: string): Float64Array[] {
  const outSize = sizeOf(outShape);
  const res = perInput(label, callUser(label, () => spec.jacobian!(inputs)), wrt);
  return wrt.map((name) => {
    const t = res[name];
    const inShape = inputs[name].shape;
    const inSize = sizeOf(inShape);
    const ok =
      shapeEquals(t.shape, [outSize, inSize]) ||
      shapeEquals(t.shape, [...outShape, ...inShape]) ||
      (outSize === 1 && t.data.length === inSize && t.shape.filter((d) => d !== 1).length <= 1);
    if (!ok) {
      const transposed = t.shape.length === 2 && t.shape[0] === inSize && t.shape[1] === outSize && inSize !== outSize;
      throw new ShapeMismatch(
        `${label} for "${name}" has shape ${formatShape(t.shape)}, expected ${formatShape([outSize, inSize])} (numerator layout: outputs down, inputs across)${transposed ? '; it is the transpose' : ''}`,
        transposed ? ['shape-mismatch', 'transposed'] : ['shape-mismatch'],
      );
    }
    assertFinite(`${label} for "${name}"`, t);
    // asTensor made t.data a fresh array: it is the check's own already.
    return t.data;
  });
}

function wholeGradient(spec: CheckSpec, inputs: NamedTensors, wrt: readonly string[], outShape: readonly number[], label: string): Float64Array[] {
  if (sizeOf(outShape) !== 1) throw new UserCodeError(`the gradient form needs a scalar f, but f returned shape ${formatShape(outShape)}`);
  const res = perInput(label, callUser(label, () => spec.gradient!(inputs)), wrt);
  return wrt.map((name) => {
    expectInputShape(`${label} for "${name}"`, res[name], inputs[name].shape);
    assertFinite(`${label} for "${name}"`, res[name]);
    return res[name].data;
  });
}

/** The analytic Jacobians (flat, [outSize, inSize] per input) built from whichever form the spec gives. */
export function analyticJacobians(
  spec: CheckSpec,
  inputs: NamedTensors,
  wrt: readonly string[],
  outShape: readonly number[],
  label?: string,
): { jacobians: Record<string, Float64Array>; calls: number } {
  const oracle = analyticOracle(spec, inputs, wrt, outShape, label);
  const outSize = sizeOf(outShape);
  const sizes = wrt.map((n) => inputs[n].data.length);
  let full = oracle.full;
  if (!full) {
    full = sizes.map((n) => new Float64Array(outSize * n));
    if (oracle.vjp) {
      for (let i = 0; i < outSize; i++) {
        const u = new Float64Array(outSize);
        u[i] = 1;
        oracle.vjp(u).forEach((row, b) => full![b].set(row, i * sizes[b]));
      }
    } else {
      sizes.forEach((n, b) => {
        for (let j = 0; j < n; j++) {
          const c = oracle.column!(b, j);
          for (let i = 0; i < outSize; i++) full![b][i * n + j] = c[i];
        }
      });
    }
  }
  const jacobians: Record<string, Float64Array> = {};
  wrt.forEach((n, b) => (jacobians[n] = full![b]));
  return { jacobians, calls: oracle.calls };
}
