import type fc from 'fast-check';
import { tensor, type Tensor } from '../tensor/index.js';
import { sizedTensors } from './sized.js';

/** The inputs of the two-layer network z = W x + b1, h = ReLU(z), r = U h + b2, ŷ = softmax(r), J = CE(y, ŷ). */
export interface NetworkInputs {
  [name: string]: Tensor;
  /** Input vector [n]. */
  x: Tensor;
  /** First layer [p, n]. */
  W: Tensor;
  /** First bias [p]. */
  b1: Tensor;
  /** Second layer [k, p]. */
  U: Tensor;
  /** Second bias [k]. */
  b2: Tensor;
  /** One-hot label [k] (held constant). */
  y: Tensor;
}

/** Sizes of a random two-layer network. */
export interface NetworkConstraints {
  /** Largest of n (inputs), p (hidden units) and k (classes); each is drawn from [1, maxDim]. @defaultValue 8 */
  maxDim?: number;
  /** Bound on every logit |r_i|, kept whatever the sizes by scaling U's range. @defaultValue 20 */
  logitBound?: number;
  /** As many classes as hidden units (k = p, U square), for checks where both U and Uᵀ must fit. @defaultValue false */
  squareHead?: boolean;
}

/**
 * Random inputs of a two-layer network with n, p, k drawn independently: x, W, b1, b2 in [−1, 1] (b1 at least 1e-3
 * from 0), and U in a range narrow enough that every logit stays within ±logitBound (softmax neither overflows nor
 * underflows to 0).
 */
export function networkInputs(constraints: NetworkConstraints = {}): fc.Arbitrary<NetworkInputs> {
  const maxDim = constraints.maxDim ?? 8;
  const bound = constraints.logitBound ?? 20;
  if (!(bound > 1)) throw new RangeError(`gradproof networkInputs: logitBound ${bound} must be greater than 1`);
  const unit = { min: -1, max: 1 };
  const k = constraints.squareHead ? 'p' : 'k';
  return sizedTensors({ n: [1, maxDim], p: [1, maxDim], k: [1, maxDim] }, {
    x: { shape: ['n'], values: unit },
    W: { shape: ['p', 'n'], values: unit },
    // fast-check favours tiny and zero values: with W x tiny, z = W x + b1 would sit at ReLU's kink in most runs.
    // b1 kept 1e-3 from 0 leaves z there only where W x cancels b1, which the kink detection handles.
    b1: { shape: ['p'], values: { ...unit, awayFrom: [0], margin: 1e-3 } },
    U: { shape: [k, 'p'], values: unit },
    b2: { shape: [k], values: unit },
    y: { shape: [k], oneHot: true },
  }).map(({ U, ...rest }) => {
    // |z_i| ≤ n + 1, so |h_i| ≤ n + 1 and |(U h)_j| ≤ p (n + 1) uMax ≤ bound − 1; |b2_j| ≤ 1.
    const [p, n] = rest.W.shape;
    const uMax = Math.min(2, (bound - 1) / (p * (n + 1)));
    return { ...rest, U: tensor(U.shape, Array.from(U.data, (u) => u * uMax)) };
  });
}
