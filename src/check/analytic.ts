import { formatShape, isTensor, shapeEquals, sizeOf, zeros, type Tensor } from '../tensor/index.js';
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

/** Reads the per-input tensors out of a derivative's result (a bare tensor is allowed for one input). */
function perInput(what: string, result: DerivativeResult, wrt: readonly string[]): Record<string, Tensor> {
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
function expectInputShape(what: string, t: Tensor, inShape: readonly number[]): void {
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

/** The analytic Jacobians (flat, [outSize, inSize] per input) built from whichever form the spec gives. */
export function analyticJacobians(
  spec: CheckSpec,
  inputs: NamedTensors,
  wrt: readonly string[],
  outShape: readonly number[],
): { jacobians: Record<string, Float64Array>; calls: number } {
  const kind = derivativeKind(spec);
  const outSize = sizeOf(outShape);
  const jac: Record<string, Float64Array> = {};
  for (const name of wrt) jac[name] = new Float64Array(outSize * inputs[name].data.length);
  let calls = 0;

  if (kind === 'jacobian') {
    const res = perInput('jacobian', callUser('jacobian', () => spec.jacobian!(inputs)), wrt);
    calls++;
    for (const name of wrt) {
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
          `jacobian for "${name}" has shape ${formatShape(t.shape)}, expected ${formatShape([outSize, inSize])} (numerator layout: outputs down, inputs across)${transposed ? '; it is the transpose' : ''}`,
          transposed ? ['shape-mismatch', 'transposed'] : ['shape-mismatch'],
        );
      }
      assertFinite(`jacobian for "${name}"`, t);
      jac[name].set(t.data);
    }
  } else if (kind === 'gradient') {
    if (outSize !== 1) throw new UserCodeError(`the gradient form needs a scalar f, but f returned shape ${formatShape(outShape)}`);
    const res = perInput('gradient', callUser('gradient', () => spec.gradient!(inputs)), wrt);
    calls++;
    for (const name of wrt) {
      expectInputShape(`gradient for "${name}"`, res[name], inputs[name].shape);
      assertFinite(`gradient for "${name}"`, res[name]);
      jac[name].set(res[name].data);
    }
  } else if (kind === 'vjp') {
    for (let i = 0; i < outSize; i++) {
      const cot = zeros(outShape);
      cot.data[i] = 1;
      const res = perInput('vjp', callUser('vjp', () => spec.vjp!(inputs, cot)), wrt);
      calls++;
      for (const name of wrt) {
        expectInputShape(`vjp for "${name}"`, res[name], inputs[name].shape);
        assertFinite(`vjp for "${name}"`, res[name]);
        jac[name].set(res[name].data, i * res[name].data.length);
      }
    }
  } else {
    for (const name of wrt) {
      const inShape = inputs[name].shape;
      const inSize = sizeOf(inShape);
      for (let j = 0; j < inSize; j++) {
        const tangents: Record<string, Tensor> = {};
        for (const other of wrt) tangents[other] = zeros(inputs[other].shape);
        tangents[name].data[j] = 1;
        const arg: Tangents = wrt.length === 1 ? Object.assign({ shape: tangents[name].shape, data: tangents[name].data }, tangents) : tangents;
        const out = asTensor('jvp', callUser('jvp', () => spec.jvp!(inputs, arg)));
        calls++;
        if (!shapeEquals(out.shape, outShape) && !(out.data.length === outSize && out.shape.filter((d) => d !== 1).length <= 1 && outShape.filter((d) => d !== 1).length <= 1)) {
          throw new ShapeMismatch(`jvp returned shape ${formatShape(out.shape)}, expected f's output shape ${formatShape(outShape)}`, ['shape-mismatch']);
        }
        assertFinite('jvp', out);
        const J = jac[name];
        for (let i = 0; i < outSize; i++) J[i * inSize + j] = out.data[i];
      }
    }
  }
  return { jacobians: jac, calls };
}
