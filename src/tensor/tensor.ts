import { Matrix } from 'ml-matrix';

/** A dense row-major tensor; shape [] is a scalar. */
export interface Tensor {
  readonly shape: number[];
  readonly data: Float64Array;
}

/** Anything a user's function may return where a tensor is expected. */
export type TensorLike = Tensor | number | number[] | number[][] | Matrix | Float64Array | Float32Array;

/** Number of entries of a tensor of the given shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Creates a tensor from a shape and flat data, checking that they agree. */
export function tensor(shape: readonly number[], data: ArrayLike<number>): Tensor {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`tensor: shape [${shape.join(', ')}] has an invalid dimension ${d}`);
  }
  const n = sizeOf(shape);
  if (data.length !== n) {
    throw new RangeError(`tensor: shape [${shape.join(', ')}] needs ${n} entries, got ${data.length}`);
  }
  // slice() copies a Float64Array as one block; Float64Array.from walks it through the iterator protocol.
  return { shape: [...shape], data: data instanceof Float64Array ? data.slice() : Float64Array.from(data) };
}

/** A tensor of zeros. */
export function zeros(shape: readonly number[]): Tensor {
  return { shape: [...shape], data: new Float64Array(sizeOf(shape)) };
}

/** A scalar tensor (shape []). */
export function scalar(value: number): Tensor {
  return { shape: [], data: Float64Array.of(value) };
}

/** True when a value has the structure of a Tensor. */
export function isTensor(value: unknown): value is Tensor {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { shape?: unknown; data?: unknown };
  return Array.isArray(v.shape) && (v.data instanceof Float64Array || v.data instanceof Float32Array);
}

/** Converts a number, nested array, ml-matrix Matrix, typed array or Tensor to a Tensor (copying). */
export function toTensor(value: TensorLike): Tensor {
  if (typeof value === 'number') return scalar(value);
  if (value instanceof Float64Array || value instanceof Float32Array) return tensor([value.length], value);
  if (Matrix.isMatrix(value)) {
    const m = value as Matrix;
    return tensor([m.rows, m.columns], m.to1DArray());
  }
  if (isTensor(value)) return tensor(value.shape, value.data);
  if (Array.isArray(value)) {
    if (value.length === 0) return zeros([0]);
    if (value.every((v): v is number => typeof v === 'number')) return tensor([value.length], value);
    if (value.every((r): r is number[] => Array.isArray(r))) {
      const rows = value as number[][];
      const cols = rows[0].length;
      if (!rows.every((r) => r.length === cols)) throw new TypeError('toTensor: rows of a nested array have different lengths');
      const data = new Float64Array(rows.length * cols);
      rows.forEach((r, i) => {
        for (let j = 0; j < cols; j++) {
          if (typeof r[j] !== 'number') throw new TypeError('toTensor: nested array holds a non-number');
          data[i * cols + j] = r[j];
        }
      });
      return { shape: [rows.length, cols], data };
    }
  }
  throw new TypeError(`toTensor: cannot convert ${describeValue(value)} to a tensor`);
}

/** A short description of a value's type, for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (isTensor(value)) return `a tensor of shape [${value.shape.join(', ')}]`;
  if (typeof value === 'object') return `an object (${(value as object).constructor?.name ?? 'Object'})`;
  return `a ${typeof value}`;
}

/** The value of a scalar (or one-entry) tensor. */
export function toNumber(t: Tensor): number {
  if (t.data.length !== 1) throw new RangeError(`toNumber: tensor of shape [${t.shape.join(', ')}] is not a scalar`);
  return t.data[0];
}

/** The tensor as a plain array: number for [], number[] for rank 1, number[][] for rank 2. */
export function toArray(t: Tensor): number | number[] | number[][] {
  if (t.shape.length === 0) return t.data[0];
  if (t.shape.length === 1) return Array.from(t.data);
  if (t.shape.length === 2) {
    const [r, c] = t.shape;
    return Array.from({ length: r }, (_, i) => Array.from(t.data.subarray(i * c, (i + 1) * c)));
  }
  throw new RangeError(`toArray: rank ${t.shape.length} tensors have no nested-array form here`);
}

/** The tensor as an ml-matrix Matrix: a vector becomes a column, a scalar a 1×1. */
export function toMatrix(t: Tensor): Matrix {
  if (t.shape.length === 0) return new Matrix([[t.data[0]]]);
  if (t.shape.length === 1) return Matrix.columnVector(Array.from(t.data));
  if (t.shape.length === 2) return Matrix.from1DArray(t.shape[0], t.shape[1], t.data);
  throw new RangeError(`toMatrix: rank ${t.shape.length} tensor cannot become a matrix`);
}

/** True when two shapes are equal. */
export function shapeEquals(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Formats a shape as "[2, 3]". */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** A copy of a tensor with its own data. */
export function cloneTensor(t: Tensor): Tensor {
  return { shape: [...t.shape], data: new Float64Array(t.data) };
}

/** Row-major multi-index of a flat index into a tensor of the given shape. */
export function unflatten(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d];
    idx[d] = n > 0 ? rest % n : 0;
    rest = n > 0 ? Math.floor(rest / n) : 0;
  }
  return idx;
}
