import { describe, expect, test } from 'vitest';
import { tensor } from '../tensor/index.js';
import { analyticOracle } from './analytic.js';
import type { CheckSpec } from './types.js';

/** A jacobian-form spec whose Jacobian is the given rows×cols matrix (f itself is never called here). */
const withJacobian = (rows: number, cols: number, J: number[]): CheckSpec => ({
  name: 'J',
  inputs: undefined as never,
  f: () => tensor([rows], new Float64Array(rows)),
  jacobian: () => tensor([rows, cols], J),
});

describe('the analytic oracle of a whole Jacobian', () => {
  const x = { x: tensor([4], [0, 0, 0, 0]) };

  test('J·w of a mostly-zero Jacobian (kept in compressed rows) is the product written out', () => {
    // diag(2, −3, 0.5, 7): J·w = (2w₀, −3w₁, 0.5w₂, 7w₃).
    const o = analyticOracle(withJacobian(4, 4, [2, 0, 0, 0, 0, -3, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 7]), x, ['x'], [4]);
    expect(Array.from(o.jvp!([Float64Array.of(1, 2, 3, 4)]))).toEqual([2, -6, 1.5, 28]);
    expect(Array.from(o.jvp!([Float64Array.of(-1, 0, 2, 0.5)]))).toEqual([-2, 0, 1, 3.5]);
    expect(o.largestEntry!()).toBe(7);
  });

  test('J·w of a Jacobian with more than a quarter of its entries nonzero (kept dense) is the product written out', () => {
    // Rows (1, 1, 0, 0), (0, 0, 1, 1), (1, 0, 0, −9), 0: five nonzeros of 16, one above the quarter.
    const o = analyticOracle(withJacobian(4, 4, [1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0, -9, 0, 0, 0, 0]), x, ['x'], [4]);
    expect(Array.from(o.jvp!([Float64Array.of(1, 2, 3, 4)]))).toEqual([3, 7, -35, 0]);
    expect(o.largestEntry!()).toBe(9);
  });
});
