import fc from 'fast-check';
import { dim } from './tensor.js';

/** Constraints on a generated shape. */
export interface ShapeConstraints {
  /** Number of axes: a fixed rank or an inclusive [min, max] range. @defaultValue [0, 3] */
  rank?: number | readonly [number, number];
  /** Inclusive range of each axis' length. @defaultValue [1, 6] */
  dim?: readonly [number, number];
}

function range(what: string, r: number | readonly [number, number]): [number, number] {
  const [min, max] = typeof r === 'number' ? [r, r] : r;
  if (!(Number.isInteger(min) && Number.isInteger(max) && min >= 0 && min <= max)) {
    throw new RangeError(`gradproof shape: ${what} [${min}, ${max}] must be whole numbers with 0 ≤ min ≤ max`);
  }
  return [min, max];
}

/** A tensor shape (a list of axis lengths); shrinks toward fewer and shorter axes. */
export function shape(constraints: ShapeConstraints = {}): fc.Arbitrary<number[]> {
  const [minRank, maxRank] = range('rank', constraints.rank ?? [0, 3]);
  const [minDim, maxDim] = range('dim', constraints.dim ?? [1, 6]);
  return fc.array(dim(minDim, maxDim), { minLength: minRank, maxLength: maxRank });
}
