import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { blockRanges, groupedColumnRanges, poolMaxAbs } from './heatmap.js';

describe('block max-abs pooling', () => {
  test('a 100×100 matrix pooled to 40×40 still shows its single worst entry, at its block', () => {
    const n = 100;
    const data = new Float64Array(n * n).map((_, k) => Math.sin(k) * 0.9);
    data[73 * n + 41] = -9;
    const g = poolMaxAbs(data, n, n, 40, 40);
    expect(g.rows).toBeLessThanOrEqual(40);
    expect(g.cols).toBeLessThanOrEqual(40);
    const cell = g.rowRanges.findIndex(([a, b]) => a <= 73 && 73 <= b) * g.cols + g.colRanges.findIndex(([a, b]) => a <= 41 && 41 <= b);
    expect(g.values[cell]).toBe(-9);
    expect([g.sourceRow[cell], g.sourceCol[cell]]).toEqual([73, 41]);
  });

  test('a NaN is never hidden by pooling', () => {
    const g = poolMaxAbs([1, NaN, 5, -7], 2, 2, 1, 1);
    expect(g.values[0]).toBeNaN();
  });

  test('blocks cover every index exactly once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 60 }), (n, max) => {
        const r = blockRanges(n, max);
        expect(r.length).toBeLessThanOrEqual(max);
        expect(r[0][0]).toBe(0);
        expect(r[r.length - 1][1]).toBe(n - 1);
        for (let i = 1; i < r.length; i++) expect(r[i][0]).toBe(r[i - 1][1] + 1);
      }),
    );
  });

  test('each cell shows the largest-magnitude entry of its block, so the largest overall is shown', () => {
    const matrix = fc.tuple(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 })).chain(([r, c]) =>
      fc.record({ r: fc.constant(r), c: fc.constant(c), data: fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: r * c, maxLength: r * c }) }),
    );
    fc.assert(
      fc.property(matrix, fc.integer({ min: 1, max: 8 }), ({ r, c, data }, max) => {
        const g = poolMaxAbs(data, r, c, max, max);
        let overall = 0;
        for (const v of data) overall = Math.max(overall, Math.abs(v));
        let shown = 0;
        for (let k = 0; k < g.values.length; k++) {
          const [r0, r1] = g.rowRanges[Math.floor(k / g.cols)];
          const [c0, c1] = g.colRanges[k % g.cols];
          let blockMax = 0;
          for (let i = r0; i <= r1; i++) for (let j = c0; j <= c1; j++) blockMax = Math.max(blockMax, Math.abs(data[i * c + j]));
          expect(Math.abs(g.values[k])).toBe(blockMax);
          shown = Math.max(shown, Math.abs(g.values[k]));
        }
        expect(shown).toBe(overall);
      }),
    );
  });

  test('column blocks never straddle two inputs', () => {
    const groups = [
      { input: 'W', inputShape: [7, 9], start: 0, size: 63 },
      { input: 'b', inputShape: [7], start: 63, size: 7 },
    ];
    const ranges = groupedColumnRanges(groups, 20);
    for (const [a, b] of ranges) expect(a < 63 === b < 63).toBe(true);
    expect(ranges.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, k) => a + k))).toEqual(Array.from({ length: 70 }, (_, k) => k));
  });
});
