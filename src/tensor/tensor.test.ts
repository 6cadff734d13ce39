import { Matrix } from 'ml-matrix';
import { describe, expect, test } from 'vitest';
import { scalar, tensor, toArray, toMatrix, toNumber, toTensor, zeros } from './tensor.js';

describe('tensor', () => {
  test('converts a number to a scalar of shape []', () => {
    const t = toTensor(2.5);
    expect(t.shape).toEqual([]);
    expect(Array.from(t.data)).toEqual([2.5]);
    expect(toNumber(t)).toBe(2.5);
  });

  test('converts number[] and number[][] row-major and back', () => {
    expect(toTensor([1, 2, 3]).shape).toEqual([3]);
    const m = toTensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(m.shape).toEqual([2, 3]);
    expect(Array.from(m.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(toArray(m)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  test('round-trips an ml-matrix Matrix', () => {
    const A = new Matrix([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const t = toTensor(A);
    expect(t.shape).toEqual([3, 2]);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(toMatrix(t).to2DArray()).toEqual(A.to2DArray());
  });

  test('turns a vector into a column matrix and a scalar into 1×1', () => {
    expect(toMatrix(tensor([3], [1, 2, 3])).to2DArray()).toEqual([[1], [2], [3]]);
    expect(toMatrix(scalar(7)).to2DArray()).toEqual([[7]]);
  });

  test('copies data so later writes do not alias', () => {
    const src = [1, 2];
    const t = toTensor(src);
    src[0] = 9;
    expect(t.data[0]).toBe(1);
  });

  test('rejects data that does not fit the shape and ragged arrays', () => {
    expect(() => tensor([2, 2], [1, 2, 3])).toThrow(/needs 4 entries, got 3/);
    expect(() => toTensor([[1, 2], [3]])).toThrow(/different lengths/);
    expect(() => toTensor('x' as never)).toThrow(/cannot convert a string/);
  });

  test('zeros has the right size', () => {
    expect(zeros([2, 3]).data.length).toBe(6);
    expect(zeros([]).data.length).toBe(1);
  });
});
