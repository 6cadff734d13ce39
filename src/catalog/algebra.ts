import { Matrix } from 'ml-matrix';
import { formatShape, tensor, toTensor, type Tensor } from '../tensor/index.js';

// The catalog's matrix algebra, on ml-matrix. ml-matrix's mmul does not check dimensions and its instance
// methods mutate `this`: every helper here checks shapes and returns a fresh value.

/** A vector tensor as an n×1 column matrix. */
export function column(t: Tensor): Matrix {
  return Matrix.columnVector(Array.from(t.data));
}

/** A vector tensor as a 1×n row matrix. */
export function row(t: Tensor): Matrix {
  return Matrix.rowVector(Array.from(t.data));
}

/** A rank-2 tensor as a matrix (a copy). */
export function matrix(t: Tensor): Matrix {
  if (t.shape.length !== 2) throw new RangeError(`catalog: expected a matrix, got shape ${formatShape(t.shape)}`);
  return Matrix.from1DArray(t.shape[0], t.shape[1], Array.from(t.data));
}

/** A B, after checking that the inner dimensions agree. */
export function product(a: Matrix, b: Matrix): Matrix {
  if (a.columns !== b.rows) throw new RangeError(`catalog: cannot multiply ${a.rows}×${a.columns} by ${b.rows}×${b.columns}`);
  return a.mmul(b);
}

/** A matrix as a rank-2 tensor. */
export function fromMatrix(m: Matrix): Tensor {
  return toTensor(m);
}

/** A single-row or single-column matrix as a vector tensor [n]. */
export function vectorOf(m: Matrix): Tensor {
  if (m.rows !== 1 && m.columns !== 1) throw new RangeError(`catalog: expected a row or column, got ${m.rows}×${m.columns}`);
  return tensor([m.rows * m.columns], m.to1DArray());
}

/** W x for a matrix tensor W [m, n] and a vector x [n]: a vector [m]. */
export function matVec(W: Tensor, x: Tensor): Tensor {
  return vectorOf(product(matrix(W), column(x)));
}

/** vᵀ W for a vector v [m] and a matrix tensor W [m, n]: a vector [n] (the row v W of the source document). */
export function vecMat(v: Tensor, W: Tensor): Tensor {
  return vectorOf(product(row(v), matrix(W)));
}

/** The outer product u vᵀ: a matrix tensor [len u, len v]. */
export function outer(u: Tensor, v: Tensor): Tensor {
  return fromMatrix(product(column(u), row(v)));
}

/** diag(d) as a matrix tensor [n, n]. */
export function diag(d: ArrayLike<number>): Tensor {
  return fromMatrix(Matrix.diag(Array.from(d)));
}

/** The transpose of a matrix tensor. */
export function transpose(t: Tensor): Tensor {
  return fromMatrix(matrix(t).transpose());
}

/** c · t. */
export function scale(t: Tensor, c: number): Tensor {
  return tensor(t.shape, Array.from(t.data, (v) => c * v));
}

/** a + b (same shapes). */
export function add(a: Tensor, b: Tensor): Tensor {
  assertSameShape(a, b, 'add');
  return tensor(a.shape, Array.from(a.data, (v, i) => v + b.data[i]));
}

/** a − b (same shapes). */
export function sub(a: Tensor, b: Tensor): Tensor {
  assertSameShape(a, b, 'sub');
  return tensor(a.shape, Array.from(a.data, (v, i) => v - b.data[i]));
}

/** The elementwise product a ∘ b (same shapes). */
export function hadamard(a: Tensor, b: Tensor): Tensor {
  assertSameShape(a, b, 'hadamard');
  return tensor(a.shape, Array.from(a.data, (v, i) => v * b.data[i]));
}

/** g applied to every entry. */
export function map(t: Tensor, g: (v: number, i: number) => number): Tensor {
  return tensor(t.shape, Array.from(t.data, g));
}

/** A copy of t with entry k changed by `edit`. */
export function withEntry(t: Tensor, k: number, edit: (v: number) => number): Tensor {
  const out = tensor(t.shape, t.data);
  out.data[k] = edit(out.data[k]);
  return out;
}

function assertSameShape(a: Tensor, b: Tensor, op: string): void {
  if (a.data.length !== b.data.length || a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new RangeError(`catalog: ${op} of shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
}
