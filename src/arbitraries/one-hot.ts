import fc from 'fast-check';
import { sizeOf, zeros, type Tensor } from '../tensor/index.js';

/** A tensor of the given shape whose rows along the last axis are one-hot (labels for a batch; held constant in checks). */
export function oneHotTensor(shape: readonly number[]): fc.Arbitrary<Tensor> {
  const classes = shape[shape.length - 1];
  if (shape.length === 0 || !(Number.isInteger(classes) && classes >= 1)) {
    throw new RangeError(`gradproof oneHotTensor: shape [${shape.join(', ')}] needs at least one axis and a last axis of length ≥ 1`);
  }
  const rows = sizeOf(shape) / classes;
  return fc.array(fc.nat({ max: classes - 1 }), { minLength: rows, maxLength: rows }).map((labels) => {
    const t = zeros(shape);
    labels.forEach((k, r) => (t.data[r * classes + k] = 1));
    return t;
  });
}
