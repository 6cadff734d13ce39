import { describe, expect, test } from 'vitest';
import { WorstEntries, compareGrid, emptyStats, entryError, entryFails, errorAndTolerance, markKink, setEntryNoiseFactor, type EntryGrid } from './compare.js';

const tol = { atol: 1e-3, rtol: 1e-2 };

/**
 * A 2×3 Jacobian (rows = outputs) given row-major, laid out in either layout. Column 0 was decided on two points
 * (factor 4), the others on five points with their own truncation.
 */
function grid(layout: 'row' | 'column'): EntryGrid {
  const rows = 2;
  const cols = 3;
  const analytic = [
    [1, -2, 0.5],
    [3, 0, 10],
  ];
  const value = [
    [1.0001, -2.5, 0.5],
    [3, 0.0005, 10.05],
  ];
  const trunc = [
    [0, 1e-4, 2e-4],
    [0, 1e-5, 3e-3],
  ];
  const rowStride = layout === 'row' ? cols : 1;
  const colStride = layout === 'row' ? 1 : rows;
  const put = (m: number[][]) => {
    const a = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) a[i * rowStride + j * colStride] = m[i][j];
    return a;
  };
  return {
    name: 'W',
    rows,
    cols,
    rowStride,
    colStride,
    start: 5,
    analytic: put(analytic),
    value: put(value),
    trunc: put(trunc),
    noise: Float64Array.of(1e-6, 2e-6),
    noiseFactor: Float64Array.of(100, 10, 10),
    twoPoint: Uint8Array.of(1, 0, 0),
    twoPointFactor: 4,
  };
}

describe('the entry comparison', () => {
  test("an entry's error and tolerance, worked by hand", () => {
    const g = grid('row');
    // (0, 0), two-point: 4·|1 − 1.0001| + 100·1e-6 = 4e-4 + 1e-4.
    expect(entryError(g, 0, 0, 0, 1e-4)).toBeCloseTo(5e-4, 15);
    // (1, 2), five-point: 3e-3 + 10·2e-6.
    expect(entryError(g, 5, 1, 2, 0.05)).toBeCloseTo(3.02e-3, 15);
    const { tolerance } = errorAndTolerance(g, tol);
    // 1e-3 + 1e-2·1.0001 + 2·5e-4 and 1e-3 + 1e-2·10.05 + 2·3.02e-3.
    expect(tolerance[0]).toBeCloseTo(1e-3 + 1.0001e-2 + 1e-3, 15);
    expect(tolerance[5]).toBeCloseTo(1e-3 + 0.1005 + 6.04e-3, 15);
    // |−2 − (−2.5)| = 0.5 is past 1e-3 + 0.025 + 2·(1e-4 + 1e-5); every other entry is within.
    expect(entryFails(g, tol, 0, 1)).toBe(true);
    expect([0, 2].map((j) => entryFails(g, tol, 0, j))).toEqual([false, false]);
    expect([0, 1, 2].map((j) => entryFails(g, tol, 1, j))).toEqual([false, false, false]);
  });

  test('the same entries in row-major and column-major layout give the same figures, entries and column counts', () => {
    const results = (['row', 'column'] as const).map((layout) => {
      const g = grid(layout);
      const stats = emptyStats();
      const worst = new WorstEntries(3);
      const columns = { failing: new Int32Array(3), worst: new Float64Array(3) };
      compareGrid(g, tol, worst, stats, columns);
      return { stats, entries: worst.entries(), columns };
    });
    expect(results[1]).toEqual(results[0]);
    const { stats, entries, columns } = results[0];
    expect(stats.failing).toBe(1);
    expect(stats.maxAbsError).toBeCloseTo(0.5, 15);
    expect(entries[0]).toMatchObject({ input: 'W', outIndex: 0, inIndex: 6, analytic: -2, numeric: -2.5 });
    expect(Array.from(columns.failing)).toEqual([0, 1, 0]);
    expect(columns.worst[1]).toBeCloseTo(0.5 / (1e-3 + 0.025 + 2 * 1.1e-4), 12);
  });

  test('an entry at a kink is not compared (NaN tolerance); one the Taylor test cleared does not fail', () => {
    const g = grid('column');
    markKink(g, 0, 1);
    const stats = emptyStats();
    compareGrid(g, tol, new WorstEntries(3), stats);
    expect(stats.failing).toBe(0);
    expect(stats.maxAbsError).toBeCloseTo(0.05, 12);
    expect(errorAndTolerance(g, tol).tolerance[1 * g.colStride]).toBeNaN();

    const h = grid('row');
    h.refuted = new Uint8Array(6);
    h.refuted[1] = 1;
    const cleared = emptyStats();
    compareGrid(h, tol, new WorstEntries(3), cleared);
    expect(cleared).toMatchObject({ failing: 0, anyRefuted: true });
  });

  test("an entry re-estimated on a stencil of its own keeps its noise factor; the others keep their column's", () => {
    const g = grid('column');
    setEntryNoiseFactor(g, 1, 2, 1000);
    expect(entryError(g, 2 * g.colStride + 1, 1, 2, 0)).toBeCloseTo(3e-3 + 1000 * 2e-6, 15);
    expect(entryError(g, 2 * g.colStride, 0, 2, 0)).toBeCloseTo(2e-4 + 10 * 1e-6, 15);
  });
});
