import fc from 'fast-check';
import type { Tensor } from '../tensor/index.js';
import { shape, type ShapeConstraints } from './shape.js';
import { tensorOf, type ValueConstraints } from './tensor.js';

/** Constraints on a tensor of random shape. */
export interface AnyTensorConstraints extends ShapeConstraints, ValueConstraints {}

/** A tensor of random shape (see `shape`) with values from `value` (see `ValueConstraints`). */
export function anyTensor(constraints: AnyTensorConstraints = {}): fc.Arbitrary<Tensor> {
  return shape(constraints).chain((s) => tensorOf(s, constraints));
}

/** A vector of length n, or of a length drawn from an inclusive [min, max] range. */
export function vector(length: number | readonly [number, number], constraints: ValueConstraints = {}): fc.Arbitrary<Tensor> {
  return shape({ rank: 1, dim: typeof length === 'number' ? [length, length] : length }).chain((s) => tensorOf(s, constraints));
}

/** A rows × cols matrix; each size is fixed or an inclusive [min, max] range. */
export function matrix(
  rows: number | readonly [number, number],
  cols: number | readonly [number, number],
  constraints: ValueConstraints = {},
): fc.Arbitrary<Tensor> {
  const r = shape({ rank: 1, dim: typeof rows === 'number' ? [rows, rows] : rows });
  const c = shape({ rank: 1, dim: typeof cols === 'number' ? [cols, cols] : cols });
  return fc.tuple(r, c).chain(([[m], [n]]) => tensorOf([m, n], constraints));
}
