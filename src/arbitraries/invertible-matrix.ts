import fc from 'fast-check';
import { tensor, type Tensor } from '../tensor/index.js';
import { value } from './tensor.js';

/** Constraints on a generated invertible matrix. */
export interface InvertibleMatrixConstraints {
  /** How far each diagonal entry's magnitude exceeds the sum of the other magnitudes in its row. @defaultValue 1 */
  margin?: number;
}

/**
 * An n × n strictly diagonally dominant matrix: invertible, with ‖A⁻¹‖∞ ≤ 1/margin, so functions that solve
 * with it or invert it stay well conditioned.
 */
export function invertibleMatrix(n: number, constraints: InvertibleMatrixConstraints = {}): fc.Arbitrary<Tensor> {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`gradproof invertibleMatrix: size ${n} must be a positive whole number`);
  const margin = constraints.margin ?? 1;
  if (!(margin > 0 && Number.isFinite(margin))) throw new RangeError(`gradproof invertibleMatrix: margin ${margin} must be a positive number`);
  const entries = fc.array(value({ min: -1, max: 1 }), { minLength: n * n, maxLength: n * n });
  const signs = fc.array(fc.boolean(), { minLength: n, maxLength: n });
  return fc.tuple(entries, signs).map(([xs, negative]) => {
    for (let i = 0; i < n; i++) {
      let off = 0;
      for (let j = 0; j < n; j++) if (j !== i) off += Math.abs(xs[i * n + j]);
      const d = off + margin + Math.abs(xs[i * n + i]);
      xs[i * n + i] = negative[i] ? -d : d;
    }
    return tensor([n, n], xs);
  });
}
