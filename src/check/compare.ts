import type { EntryComparison, Tolerance } from './types.js';

/** Safety factor on each entry's finite-difference error estimate. */
export const ERROR_ESTIMATE_FACTOR = 2;

/**
 * The entries of one input's Jacobian, or of a block of its columns, as a check compares them: entry (i, j) sits at
 * i·rowStride + j·colStride of every per-entry array (row-major for a whole Jacobian, column-major for a streamed
 * block).
 */
export interface EntryGrid {
  /** The differentiated input. */
  name: string;
  rows: number;
  cols: number;
  rowStride: number;
  colStride: number;
  /** The input entry of column 0 (a block of columns starts part-way). */
  start: number;
  analytic: Float64Array;
  /** The finite-difference estimate of each entry. */
  value: Float64Array;
  /** The truncation part of each entry's error estimate (five-point entries). */
  trunc: Float64Array;
  /** The noise σ of each output row. */
  noise: Float64Array;
  /** Per column: the noise part of an entry's error is noiseFactor[j]·σ_i, unless `coef` holds the entry's own. */
  noiseFactor: Float64Array;
  coef?: Float64Array;
  /** Per column: 1 when decided on two points. Such an entry's truncation part is twoPointFactor·|a − n|. */
  twoPoint: Uint8Array;
  twoPointFactor: number;
  /** 1 where the entry sits at a kink (not compared). */
  kink?: Uint8Array;
  /** 1 where the Taylor test cleared the entry's column (it does not fail). */
  refuted?: Uint8Array;
}

/** The error estimate of entry k = (i, j) of a grid, whose |analytic − numeric| is absError. */
export function entryError(g: EntryGrid, k: number, i: number, j: number, absError: number): number {
  return (g.twoPoint[j] ? g.twoPointFactor * absError : g.trunc[k]) + (g.coef ? g.coef[k] : g.noiseFactor[j]) * g.noise[i];
}

/** The tolerance of one entry: atol + rtol·max(|a|, |n|) + factor·(error estimate). */
export function entryTolerance(tol: Tolerance, analytic: number, numeric: number, errorEstimate: number): number {
  return tol.atol + tol.rtol * Math.max(Math.abs(analytic), Math.abs(numeric)) + ERROR_ESTIMATE_FACTOR * errorEstimate;
}

/** Relative error |a − n| / max(|a|, |n|), 0 when both are 0. */
export function relativeError(analytic: number, numeric: number): number {
  const d = Math.abs(analytic - numeric);
  const s = Math.max(Math.abs(analytic), Math.abs(numeric));
  return s === 0 ? 0 : d / s;
}

/** Whether entry (i, j) of a grid fails: not at a kink, not cleared by the Taylor test, and past its tolerance. */
export function entryFails(g: EntryGrid, tol: Tolerance, i: number, j: number): boolean {
  const k = i * g.rowStride + j * g.colStride;
  if ((g.kink && g.kink[k]) || (g.refuted && g.refuted[k])) return false;
  const a = g.analytic[k];
  const n = g.value[k];
  const d = Math.abs(a - n);
  return !(d <= entryTolerance(tol, a, n, entryError(g, k, i, j, d)));
}

/** Gives entry (i, j) a noise factor of its own (the per-entry array is made on first use). */
export function setEntryNoiseFactor(g: EntryGrid, i: number, j: number, factor: number): void {
  if (!g.coef) {
    const coef = new Float64Array(g.rows * g.cols);
    for (let r = 0; r < g.rows; r++) for (let c = 0; c < g.cols; c++) coef[r * g.rowStride + c * g.colStride] = g.noiseFactor[c];
    g.coef = coef;
  }
  g.coef[i * g.rowStride + j * g.colStride] = factor;
}

/** Marks entry (i, j) as sitting at a kink (the per-entry array is made on first use). */
export function markKink(g: EntryGrid, i: number, j: number): void {
  g.kink ??= new Uint8Array(g.rows * g.cols);
  g.kink[i * g.rowStride + j * g.colStride] = 1;
}

/** The running figures of a comparison over one or more grids. */
export interface ComparisonStats {
  maxAbsError: number;
  /** Over the entries the finite differences resolve (|n| above twice the tolerance) or that fail. */
  maxRelError: number;
  maxTolerance: number;
  maxNumeric: number;
  failing: number;
  anyRefuted: boolean;
}

/** Figures before any entry is compared. */
export function emptyStats(): ComparisonStats {
  return { maxAbsError: 0, maxRelError: 0, maxTolerance: 0, maxNumeric: 0, failing: 0, anyRefuted: false };
}

/** The worst entries seen so far, failing ones first, then by how far they go past their tolerance (no full sort). */
export class WorstEntries {
  private readonly kept: { entry: EntryComparison; key: number }[] = [];
  constructor(private readonly size: number) {}
  /** Whether an entry with this key would be kept (build the entry only then). */
  wants(key: number): boolean {
    return this.kept.length < this.size || key > this.kept[this.kept.length - 1].key;
  }
  /** Whether the list holds as many entries as it keeps. */
  full(): boolean {
    return this.kept.length >= this.size;
  }
  /** The smallest key kept (Infinity when nothing is). */
  lowest(): number {
    return this.kept.length > 0 ? this.kept[this.kept.length - 1].key : Infinity;
  }
  /** Keeps the entry if its key is among the largest seen. */
  add(entry: EntryComparison, key: number): void {
    if (!this.wants(key)) return;
    let at = this.kept.length;
    while (at > 0 && !(this.kept[at - 1].key >= key)) at--;
    this.kept.splice(at, 0, { entry, key });
    if (this.kept.length > this.size) this.kept.pop();
  }
  /** Ranks the kept entries that `which` picks as passing ones (their failure was refuted), keeping the order. */
  demote(which: (e: EntryComparison) => boolean): void {
    for (const w of this.kept) if (which(w.entry) && w.key >= 1e300) w.key -= 1e300;
    this.kept.sort((p, q) => q.key - p.key);
  }
  /** The kept entries, worst first. */
  entries(): EntryComparison[] {
    return this.kept.map((w) => w.entry);
  }
}

/** Per column of a grid: how many entries fail, and how far past its tolerance the worst of them goes. */
export interface ColumnFailures {
  failing: Int32Array;
  worst: Float64Array;
}

/**
 * Compares every entry of a grid with its tolerance, in memory order: updates `stats`, offers each entry to
 * `worst`, and counts failures per column into `columns` when given. (A small function of its own: this loop
 * visits every entry of the Jacobian, and the JIT optimizes it best apart from the rest of the check.)
 */
export function compareGrid(g: EntryGrid, tol: Tolerance, worst: WorstEntries, stats: ComparisonStats, columns?: ColumnFailures): void {
  const { atol, rtol } = tol;
  const { analytic, value, kink, refuted, rows, cols, rowStride, colStride } = g;
  let { maxAbsError, maxRelError, maxTolerance, maxNumeric, failing, anyRefuted } = stats;
  // The smallest key kept once the list is full (passing entries' keys are their ratios).
  let cut = worst.full() ? Math.min(worst.lowest(), 1e299) : 0;
  const byColumn = rowStride === 1 && rows > 1;
  const outer = byColumn ? cols : rows;
  const inner = byColumn ? rows : cols;
  for (let o = 0; o < outer; o++) {
    for (let n = 0; n < inner; n++) {
      const i = byColumn ? n : o;
      const j = byColumn ? o : n;
      const k = i * rowStride + j * colStride;
      if (kink && kink[k]) continue;
      const an = analytic[k];
      const nu = value[k];
      const absError = Math.abs(an - nu);
      const err = entryError(g, k, i, j, absError);
      const scale = Math.max(Math.abs(an), Math.abs(nu));
      // entryTolerance, written out.
      const t = atol + rtol * scale + ERROR_ESTIMATE_FACTOR * err;
      const cleared = refuted !== undefined && refuted[k] === 1;
      if (cleared) anyRefuted = true;
      if (absError > maxAbsError) maxAbsError = absError;
      const over = !(absError <= t);
      const fails = over && !cleared;
      // Relative figures only mean something for entries the finite differences resolve (|n| above the tolerance).
      if ((Math.abs(nu) > 2 * t || over) && scale > 0 && absError > maxRelError * scale) maxRelError = absError / scale;
      if (t > maxTolerance) maxTolerance = t;
      if (Math.abs(nu) > maxNumeric) maxNumeric = Math.abs(nu);
      // A passing entry whose ratio absError / t cannot reach the kept ones is skipped without dividing.
      if (!fails && !(absError > cut * t) && worst.full()) continue;
      const ratio = Number.isNaN(absError) ? Infinity : t > 0 ? absError / t : absError > 0 ? Infinity : 0;
      if (fails) {
        failing++;
        if (columns) {
          columns.failing[j]++;
          if (ratio > columns.worst[j]) columns.worst[j] = ratio;
        }
      }
      // Failing entries rank above every other; within each group, by how far past the tolerance.
      const key = (fails ? 1e300 : 0) + Math.min(ratio, 1e299);
      if (worst.wants(key)) {
        worst.add({ input: g.name, outIndex: i, inIndex: g.start + j, analytic: an, numeric: nu, absError, relError: relativeError(an, nu), errorEstimate: err, tolerance: t }, key);
        cut = worst.full() ? Math.min(worst.lowest(), 1e299) : 0;
      }
    }
  }
  Object.assign(stats, { maxAbsError, maxRelError, maxTolerance, maxNumeric, failing, anyRefuted });
}

/**
 * A grid's per-entry error estimates and tolerances (NaN at kinks) in its own layout, as compareGrid judges them:
 * for a report, built only when read.
 */
export function errorAndTolerance(g: EntryGrid, tol: Tolerance): { errorEstimate: Float64Array; tolerance: Float64Array } {
  const errorEstimate = new Float64Array(g.rows * g.cols);
  const tolerance = new Float64Array(g.rows * g.cols);
  for (let i = 0; i < g.rows; i++) {
    for (let j = 0; j < g.cols; j++) {
      const k = i * g.rowStride + j * g.colStride;
      const an = g.analytic[k];
      const nu = g.value[k];
      const err = entryError(g, k, i, j, Math.abs(an - nu));
      errorEstimate[k] = err;
      tolerance[k] = g.kink && g.kink[k] ? NaN : entryTolerance(tol, an, nu, err);
    }
  }
  return { errorEstimate, tolerance };
}
