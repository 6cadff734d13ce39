import type { JsonJacobianPair } from '../property/types.js';

/** A matrix downsampled for display: each cell stands for a block of entries and shows the one largest in magnitude. */
export interface PooledGrid {
  rows: number;
  cols: number;
  /** Row-major cell values: the block's entry of largest magnitude, sign kept (NaN wins, so it is never hidden). */
  values: Float64Array;
  /** For each cell, the (row, col) in the full matrix of the entry it shows. */
  sourceRow: Int32Array;
  sourceCol: Int32Array;
  /** For each cell row, the full matrix's first and last row it covers; likewise for columns. */
  rowRanges: Array<[number, number]>;
  colRanges: Array<[number, number]>;
}

/** Splits n items into at most `max` consecutive blocks of equal size (the last may be shorter). */
export function blockRanges(n: number, max: number): Array<[number, number]> {
  const size = Math.max(1, Math.ceil(n / Math.max(1, max)));
  const out: Array<[number, number]> = [];
  for (let start = 0; start < n; start += size) out.push([start, Math.min(n, start + size) - 1]);
  return out;
}

/** |v| ordered so that NaN beats every number: a block holding a NaN shows it. */
const magnitude = (v: number) => (Number.isNaN(v) ? Infinity : Math.abs(v));

/**
 * Block max-abs pooling of a row-major [rows, cols] matrix down to at most maxRows × maxCols cells: every entry
 * belongs to one block and each block shows its largest-magnitude entry, so the worst entry is always visible.
 */
export function poolMaxAbs(data: ArrayLike<number>, rows: number, cols: number, maxRows: number, maxCols: number, colRanges = blockRanges(cols, maxCols)): PooledGrid {
  const rowRanges = blockRanges(rows, maxRows);
  const R = rowRanges.length;
  const C = colRanges.length;
  const values = new Float64Array(R * C);
  const sourceRow = new Int32Array(R * C);
  const sourceCol = new Int32Array(R * C);
  for (let bi = 0; bi < R; bi++) {
    for (let bj = 0; bj < C; bj++) {
      let best = -1;
      let bestR = rowRanges[bi][0];
      let bestC = colRanges[bj][0];
      for (let i = rowRanges[bi][0]; i <= rowRanges[bi][1]; i++) {
        for (let j = colRanges[bj][0]; j <= colRanges[bj][1]; j++) {
          const m = magnitude(data[i * cols + j]);
          if (m > best) {
            best = m;
            bestR = i;
            bestC = j;
          }
        }
      }
      const k = bi * C + bj;
      values[k] = data[bestR * cols + bestC];
      sourceRow[k] = bestR;
      sourceCol[k] = bestC;
    }
  }
  return { rows: R, cols: C, values, sourceRow, sourceCol, rowRanges, colRanges };
}

/** The Jacobians of every differentiated input side by side: columns grouped by input, in order. */
export interface JacobianPanels {
  outSize: number;
  outputShape: number[];
  /** Column groups: which input, its shape, and where its columns start in the joined matrix. */
  groups: Array<{ input: string; inputShape: number[]; start: number; size: number }>;
  /** Joined [outSize, Σ inSize] matrices, row-major. */
  analytic: Float64Array;
  numeric: Float64Array;
  difference: Float64Array;
}

/** Joins the per-input Jacobian pairs of a counterexample into one analytic, numeric and difference matrix. */
export function joinJacobians(pairs: readonly JsonJacobianPair[]): JacobianPanels {
  const outSize = pairs.length > 0 ? pairs[0].analytic.shape[0] : 0;
  const groups: JacobianPanels['groups'] = [];
  let total = 0;
  for (const p of pairs) {
    const size = p.analytic.shape[1] ?? 0;
    groups.push({ input: p.input, inputShape: p.inputShape, start: total, size });
    total += size;
  }
  const analytic = new Float64Array(outSize * total);
  const numeric = new Float64Array(outSize * total);
  const difference = new Float64Array(outSize * total);
  pairs.forEach((p, g) => {
    const { start, size } = groups[g];
    for (let i = 0; i < outSize; i++) {
      for (let j = 0; j < size; j++) {
        // JSON turns NaN into null; show it as NaN.
        const a = p.analytic.data[i * size + j] ?? NaN;
        const n = p.numeric.data[i * size + j] ?? NaN;
        const k = i * total + start + j;
        analytic[k] = a;
        numeric[k] = n;
        difference[k] = a - n;
      }
    }
  });
  return { outSize, outputShape: pairs[0]?.outputShape ?? [outSize], groups, analytic, numeric, difference };
}

/** Column blocks for joined Jacobians: at most about maxCols in all, never straddling two inputs. */
export function groupedColumnRanges(groups: JacobianPanels['groups'], maxCols: number): Array<[number, number]> {
  const total = groups.reduce((s, g) => s + g.size, 0);
  const size = Math.max(1, Math.ceil(total / Math.max(1, maxCols)));
  const out: Array<[number, number]> = [];
  for (const g of groups) {
    for (let s = 0; s < g.size; s += size) out.push([g.start + s, g.start + Math.min(g.size, s + size) - 1]);
  }
  return out;
}
