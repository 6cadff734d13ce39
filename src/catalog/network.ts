import type { NetworkInputs } from '../arbitraries/index.js';
import { tensor, type Tensor } from '../tensor/index.js';
import { add, hadamard, map, matVec, outer, vecMat } from './algebra.js';
import { relu, reluPrime } from './activations.js';

// The two-layer network of the source document's Example 5, forward and backward:
//   z = W x + b1,  h = ReLU(z),  r = U h + b2,  ŷ = softmax(r),  J = CE(y, ŷ) = −Σ_k y_k log ŷ_k.

/**
 * log softmax(r), computed stably: (r_i − max r) − log1p(Σ_{j ≠ argmax} exp(r_j − max r)). The log1p keeps the
 * small log-probability of a dominant class accurate: max r + log Σ exp(r_j − max r) − r_i would round it to a grid
 * as coarse as ulp(max r) (3.6e-15 near 20) while it can be as small as e^−40, and its derivatives with it.
 */
export function logSoftmax(r: Tensor): Tensor {
  let top = 0;
  for (let i = 1; i < r.data.length; i++) if (r.data[i] > r.data[top]) top = i;
  const max = r.data[top];
  let rest = 0;
  for (let j = 0; j < r.data.length; j++) if (j !== top) rest += Math.exp(r.data[j] - max);
  const log1pRest = Math.log1p(rest);
  return map(r, (v) => v - max - log1pRest);
}

/** softmax(r)_i = exp(r_i) / Σ_j exp(r_j). */
export function softmax(r: Tensor): Tensor {
  return map(logSoftmax(r), Math.exp);
}

/** CE(y, ŷ) = −Σ_k y_k log ŷ_k for a one-hot (or any nonnegative) y; terms with y_k = 0 contribute 0. */
export function crossEntropy(y: Tensor, yhat: Tensor): number {
  let s = 0;
  for (let k = 0; k < y.data.length; k++) if (y.data[k] !== 0) s -= y.data[k] * Math.log(yhat.data[k]);
  return s;
}

/** CE(y, softmax(r)), computed from log softmax(r) so that no probability underflows to log 0. */
export function crossEntropyOfLogits(y: Tensor, r: Tensor): number {
  const logp = logSoftmax(r);
  let s = 0;
  for (let k = 0; k < y.data.length; k++) if (y.data[k] !== 0) s -= y.data[k] * logp.data[k];
  return s;
}

/** Every intermediate of the forward pass. */
export interface Forward {
  z: Tensor;
  h: Tensor;
  r: Tensor;
  yhat: Tensor;
  /** J = CE(y, ŷ). */
  loss: number;
}

/** Logits r = U h + b2. */
export function logits(U: Tensor, h: Tensor, b2: Tensor): Tensor {
  return add(matVec(U, h), b2);
}

/** The first layer: pre-activations z = W x + b1 and activations h = ReLU(z). */
export function hiddenLayer(x: Tensor, W: Tensor, b1: Tensor): Pick<Forward, 'z' | 'h'> {
  const z = add(matVec(W, x), b1);
  return { z, h: map(z, relu) };
}

/** The forward pass of the network. */
export function forward({ x, W, b1, U, b2, y }: NetworkInputs): Forward {
  const { z, h } = hiddenLayer(x, W, b1);
  const r = logits(U, h, b2);
  return { z, h, r, yhat: softmax(r), loss: crossEntropyOfLogits(y, r) };
}

/**
 * δ1 = ∂J/∂r = ŷ − y from the logits r, for softmax followed by cross-entropy with one-hot y. The label's entry
 * ŷ_y − 1 is computed as expm1(log ŷ_y): for a confident prediction (ŷ_y = 1 − 1e-10) the plain difference keeps only
 * six digits, an error a check at rtol 1e-7 rightly flags.
 */
export function delta1Of(r: Tensor, y: Tensor): Tensor {
  const logp = logSoftmax(r);
  return map(logp, (l, k) => (y.data[k] === 1 ? Math.expm1(l) : Math.exp(l) - y.data[k]));
}

/** Every gradient the source document derives, from δ1 = ∂J/∂r down. */
export interface Backward {
  /** ∂J/∂U = δ1ᵀ hᵀ, shaped like U. */
  U: Tensor;
  /** ∂J/∂b2 = δ1. */
  b2: Tensor;
  /** ∂J/∂h = δ1 U. */
  h: Tensor;
  /** ∂J/∂z = δ1 U ∘ ReLU'(z) = δ2. */
  z: Tensor;
  /** ∂J/∂W = δ2ᵀ xᵀ, shaped like W. */
  W: Tensor;
  /** ∂J/∂b1 = δ2. */
  b1: Tensor;
}

/** ReLU'(z) elementwise: the mask of the backward pass. */
export function reluMask(z: Tensor): Tensor {
  return map(z, reluPrime);
}

/** Knobs for the wrong variants of the backward pass; all absent for the correct one. */
export interface BackwardVariant {
  /** The mask applied to δ1 U. @defaultValue ReLU'(z) */
  mask?: (z: Tensor) => Tensor;
}

/** The backward pass: from δ1 = ∂J/∂r down to ∂J/∂W and ∂J/∂b1 (the source document's Example 5). */
export function backward(x: Tensor, U: Tensor, fw: Pick<Forward, 'z' | 'h'>, delta1: Tensor, variant: BackwardVariant = {}): Backward {
  const dh = vecMat(delta1, U);
  const delta2 = hadamard(dh, (variant.mask ?? reluMask)(fw.z));
  return { U: outer(delta1, fw.h), b2: delta1, h: dh, z: delta2, W: outer(delta2, x), b1: delta2 };
}

/** A copy of a vector with entries from index `from` on set to `value` (shape-dependent wrong variants). */
export function fillFrom(t: Tensor, from: number, value: number): Tensor {
  return tensor(t.shape, Array.from(t.data, (v, i) => (i < from ? v : value)));
}
