import { formatShape, sizeOf, tensor, type Tensor } from '../tensor/index.js';
import { analyticOracle, expectInputShape, perInput } from './analytic.js';
import { runFirstOrderCheck } from './check-once.js';
import type { CheckOptions, CheckSpec, NamedTensors, Tangents, Verdict } from './types.js';
import { asTensor, callUser, ShapeMismatch, UserCodeError } from './user-call.js';

/** The spec's analytic gradient at some inputs, flattened and concatenated over `wrt`. */
function flatGradient(spec: CheckSpec, inputs: NamedTensors, wrt: readonly string[]): Float64Array {
  const oracle = analyticOracle(spec, inputs, wrt, []);
  let parts: Float64Array[];
  if (oracle.full) parts = oracle.full;
  else if (oracle.vjp) parts = oracle.vjp(Float64Array.of(1));
  else parts = wrt.map((name, b) => Float64Array.from({ length: inputs[name].data.length }, (_, j) => oracle.column!(b, j)[0]));
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * The first-order spec of a scalar spec's gradient map x ↦ ∇f(x) (flattened over `wrt`), whose derivative is the
 * spec's `hessian` (as a Jacobian) or `hvp` (as a jvp): checking it is gradgradcheck, the Hessian against finite
 * differences of the analytic gradient.
 */
export function gradientSpec(spec: CheckSpec, wrt: readonly string[]): CheckSpec {
  const derived: CheckSpec = {
    name: `${spec.name} (second order)`,
    inputs: spec.inputs,
    wrt,
    f: (inputs) => tensor([sizeOfWrt(inputs, wrt)], flatGradient(spec, inputs, wrt)),
  };
  if (spec.precision) derived.precision = spec.precision;
  if (spec.tolerance) derived.tolerance = spec.tolerance;
  if (spec.hessian) {
    derived.jacobian = (inputs) => {
      const n = sizeOfWrt(inputs, wrt);
      const H = asTensor('hessian', callUser('hessian', () => spec.hessian!(inputs)));
      const single = wrt.length === 1 ? inputs[wrt[0]].shape : undefined;
      const ok = (H.shape.length === 2 && H.shape[0] === n && H.shape[1] === n) || (single !== undefined && H.shape.length === 2 * single.length && H.data.length === n * n && [...single, ...single].every((d, i) => H.shape[i] === d));
      if (!ok) throw new ShapeMismatch(`hessian has shape ${formatShape(H.shape)}, expected ${formatShape([n, n])} (the differentiated inputs flattened and concatenated in wrt order)`, ['shape-mismatch']);
      const blocks: Record<string, Tensor> = {};
      let offset = 0;
      for (const name of wrt) {
        const m = inputs[name].data.length;
        const block = new Float64Array(n * m);
        for (let i = 0; i < n; i++) block.set(H.data.subarray(i * n + offset, i * n + offset + m), i * m);
        blocks[name] = tensor([n, m], block);
        offset += m;
      }
      return blocks;
    };
  } else if (spec.hvp) {
    derived.jvp = (inputs, tangents: Tangents) => {
      const res = perInput('hvp', callUser('hvp', () => spec.hvp!(inputs, tangents)), wrt);
      const out = new Float64Array(sizeOfWrt(inputs, wrt));
      let offset = 0;
      for (const name of wrt) {
        expectInputShape(`hvp for "${name}"`, res[name], inputs[name].shape);
        out.set(res[name].data, offset);
        offset += res[name].data.length;
      }
      return tensor([out.length], out);
    };
  }
  return derived;
}

function sizeOfWrt(inputs: NamedTensors, wrt: readonly string[]): number {
  return wrt.reduce((s, n) => s + sizeOf(inputs[n].shape), 0);
}

/**
 * Checks the spec's `hessian` or `hvp` at one input against finite differences of its analytic gradient (full or
 * fast mode, as the options say). f must be scalar.
 */
export function secondOrderCheck(spec: CheckSpec, inputs: NamedTensors, options: CheckOptions = {}): Verdict {
  const wrt = spec.wrt ? [...spec.wrt] : Object.keys(inputs);
  const label = spec.hessian ? 'hessian' : 'hvp';
  let shape: number[];
  try {
    shape = asTensor('f', callUser('f', () => spec.f(inputs))).shape;
  } catch (e) {
    if (e instanceof UserCodeError) return runFirstOrderCheck(spec, inputs, options);
    throw e;
  }
  if (sizeOf(shape) !== 1) {
    return {
      status: 'error',
      message: `a ${label} needs a scalar f, but f returned shape ${formatShape(shape)}`,
      hints: [],
      diagnoses: [],
      entries: [],
      maxAbsError: NaN,
      maxRelError: NaN,
      evaluations: 1,
      derivativeCalls: 0,
      kinks: 0,
      jacobians: [],
    };
  }
  // The gradient's natural unit is |f| / |x|: its values carry at least a rounding of that size, even where they
  // cancel to a tiny (or constant) residue.
  let fScale = 0;
  let xScale = 1;
  try {
    fScale = Math.abs(asTensor('f', callUser('f', () => spec.f(inputs))).data[0]);
  } catch {
    fScale = 0;
  }
  for (const name of wrt) for (const v of inputs[name].data) xScale = Math.max(xScale, Math.abs(v));
  const precision = (options.precision ?? spec.precision) === 'float32' ? 2 ** -23 : 2 ** -52;
  const v = runFirstOrderCheck(gradientSpec(spec, wrt), inputs, options, { f: 'the gradient', derivative: label }, { noiseFloor: (precision * fScale) / xScale });
  // The derived check's "evaluations" are gradient calls: derivative calls of the spec.
  return { ...v, evaluations: 1, derivativeCalls: v.derivativeCalls + v.evaluations };
}
