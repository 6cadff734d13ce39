import { centralDifference } from './central-difference.js';
import { noiseGamma } from './noise.js';
import { richardson } from './richardson.js';
import { FLOAT64_BASE_STEP, stepFor } from './step.js';

/**
 * Evaluates f at the current contents of the working buffer and returns its flat output: a fresh array, or `into`
 * when given and it fits (so a caller that holds a few outputs at a time allocates none). `moved` is the index of
 * the one entry that was moved away from x, when only one was (so the caller can check that f left it alone).
 */
export type Evaluate = (moved?: number, into?: Float64Array) => Float64Array;

/** How finite differences are taken. */
export interface FdOptions {
  /** Relative step of the coarse stencil; the fine one is half of it. @defaultValue 2^-13 */
  baseStep?: number;
  /** Unit roundoff of the precision f computes in: floor of the noise estimate. @defaultValue 2^-52 */
  epsilon?: number;
  /** Smallest normal number of that precision: values below it carry underflow noise. @defaultValue 2^-1022 */
  tiny?: number;
  /** Rounds a stencil point to the format f computes in (Math.fround for float32), so the widths used are those f sees. @defaultValue identity */
  round?: (v: number) => number;
  /** A noise level per output row measured elsewhere (ECnoise); the larger of it and the pooled fourth differences is used. @defaultValue none */
  noise?: ArrayLike<number>;
  /**
   * Only the columns start ≤ j < end of x (a block of a Jacobian too large to hold whole): the result is the
   * [rows, end − start] block, its column c standing for entry start + c of x. @defaultValue every column
   */
  columns?: { start: number; end: number };
  /**
   * The gate's reference and every per-entry result laid out column-major ([cols, rows]), as a check that reads
   * the analytic side column by column holds them. @defaultValue false (row-major)
   */
  columnMajor?: boolean;
  /**
   * A reference Jacobian to decide columns on two points: a column whose every central difference at ±h agrees with
   * the reference within the gate's tolerance (and shows no sign of a kink) is taken at 2 evaluations; the others
   * get the full five-point stencil. @defaultValue none: every column on five points
   */
  gate?: TwoPointGate;
}

/**
 * What decides a column on two points: the reference values a (row-major, like the Jacobian) and the tolerance
 * atol + rtol·max(|a|, |d|) + 2·(noise term of d): each central difference d must lie within half of it.
 */
export interface TwoPointGate {
  reference: Float64Array;
  atol: number;
  rtol: number;
  /**
   * Relative step of the two-point difference. A plain central difference wants a smaller step than Richardson's
   * (its truncation is h², not h⁴): see FLOAT64_TWO_POINT_STEP. @defaultValue the base step
   */
  step?: number;
}

/**
 * A one-sided gap |f(x+h) − 2f(x) + f(x−h)| / h above this fraction of the larger one-sided slope keeps a column off
 * the two-point path: a smooth f leaves a gap of h·|f''| (about 1e-4 of the slope for |f''| ≈ |f'|), a kink at x
 * the jump in slope.
 */
export const TWO_POINT_KINK_FRACTION = 2 ** -10;

/** Number of standard deviations of rounding noise that an error estimate covers. */
export const NOISE_SIGMAS = 3;

/** Standard deviation of the two-level Richardson value per unit σ/h (from (4·D(h/2) − D(h))/3). */
export const RICHARDSON_NOISE = 1.9;

/** A finite-difference Jacobian of one input, with a per-entry error estimate. */
export interface FdJacobian {
  rows: number;
  cols: number;
  /** Richardson estimate of ∂f_i/∂x_j, [rows, cols] row-major (column-major with `columnMajor`); the central difference at h₂ in a two-point column. */
  value: Float64Array;
  /** Estimated error of each value: truncation plus NOISE_SIGMAS times the rounding noise (computed when first read). */
  readonly error: Float64Array;
  /**
   * The truncation part of each error; 0 in a two-point column, whose error is instead its disagreement with the
   * reference, |reference − value| (not stored: the caller holds both), plus the noise term.
   */
  truncation: Float64Array;
  /** 1 where the one-sided differences disagree enough to suspect a kink within the stencil. */
  kinkSuspect: Uint8Array;
  /**
   * 1 where f's output did not move at all at any of the five stencil points (columns not decided on two points):
   * f does not depend on the input entry there, not even in an even way.
   */
  still: Uint8Array;
  /** Estimated absolute noise σ of each output component. */
  noise: Float64Array;
  /** The largest |f| of each output component over the stencil points (the scale its rounding is relative to). */
  scale: Float64Array;
  /** The coarse step h used for each input entry (in a two-point column, the two-point step). */
  steps: Float64Array;
  /** Per column: how the row's noise σ enters each entry's error (error = truncation part + noiseFactor · σ). */
  noiseFactor: Float64Array;
  /**
   * Per column: 1 when the gate decided it on two points. Its values are central differences at ±h₂ and their
   * `error` is twoPointFactor times the disagreement with the reference plus the noise term: at least how far off
   * the difference is if the reference is right (a reference that is wrong beyond the gate's tolerance never
   * decides a column).
   */
  twoPoint: Uint8Array;
  /**
   * What a two-point entry's disagreement with the reference is multiplied by in its error: max(1, (h/h₂)²/4), the
   * truncation estimate |D(h/2) − D(h)|/3 = h²|f'''|/24 of the five-point stencil at the base step h over the
   * two-point truncation h₂²|f'''|/6 (4 at h = 4h₂). With it (and the larger of the two noise terms in noiseFactor)
   * a two-point entry is reported with the tolerance the five-point stencil would give it: an error just above it
   * fails on either path, so the sensitivity a pass states stays an upper bound.
   */
  twoPointFactor: number;
  /** The columns not decided on two points (all of them without a gate), ascending. */
  openColumns: Int32Array;
  /** Function evaluations spent. */
  evaluations: number;
}

/**
 * Finite-difference Jacobian of f with respect to the buffer x: central differences at h and h/2 per entry,
 * combined by Richardson extrapolation; with a gate, columns that agree with the reference at h stop there.
 * x is perturbed in place and restored exactly.
 */
export function fdJacobian(evaluate: Evaluate, x: Float64Array, f0: Float64Array, options: FdOptions = {}): FdJacobian {
  const base = options.baseStep ?? FLOAT64_BASE_STEP;
  const eps = options.epsilon ?? 2 ** -52;
  const tiny = options.tiny ?? 2 ** -1022;
  const round = options.round ?? identity;
  const rows = f0.length;
  const first = options.columns?.start ?? 0;
  const cols = (options.columns?.end ?? x.length) - first;
  // The results go straight into their layout (entry (i, j) at i·rowStride + j·colStride): row-major, a column
  // touches one cache line per row and the next seven columns reuse them; column-major on request. (The
  // five-point extras are kept column-major: only their own column reads them.)
  const byColumn = options.columnMajor === true;
  const rowStride = byColumn ? 1 : cols;
  const colStride = byColumn ? rows : 1;
  const value = new Float64Array(rows * cols);
  const trunc = new Float64Array(rows * cols);
  // What the five-point stencil adds per entry, allocated with the first column that needs it.
  let gapT = EMPTY;
  let smoothT = EMPTY;
  let d4sqT = EMPTY;
  let movesT = new Uint8Array(0);
  const open: number[] = [];
  const steps = new Float64Array(cols);
  const maxAbs = new Float64Array(rows);
  for (let i = 0; i < rows; i++) maxAbs[i] = Math.abs(f0[i]);
  const noiseFactor = new Float64Array(cols);
  const twoPoint = new Uint8Array(cols);
  const gate = options.gate;
  const given = options.noise;
  const ref = gate ? gate.reference : EMPTY;
  const twoPointBase = gate?.step ?? base;
  let evaluations = 0;
  const buffers: ColumnBuffers = { rows, rowStride, colStride, f0, ref, value, trunc, gapT, smoothT, d4sqT, movesT, maxAbs, eps, tiny, given };
  // The outputs at the stencil points of one column, reused from column to column.
  const scratch = [new Float64Array(rows), new Float64Array(rows), new Float64Array(rows), new Float64Array(rows)];

  let at = 0;
  let xj = 0;
  /** f with entry `at` moved to `plus`, then to `minus` (into scratch[s], scratch[s + 1]), then put back. */
  const pair = (plus: number, minus: number, s: number): [Float64Array, Float64Array] => {
    x[at] = plus;
    const fp = evaluate(at, scratch[s]);
    x[at] = minus;
    const fm = evaluate(at, scratch[s + 1]);
    x[at] = xj;
    evaluations += 2;
    return [fp, fm];
  };

  for (let j = 0; j < cols; j++) {
    at = first + j;
    xj = x[at];
    let fp2: Float64Array | undefined;
    let fm2: Float64Array | undefined;
    if (gate) {
      // The two-point path: every entry of the column must agree with the reference within half the tightest
      // tolerance it could be held to (the noise term alone, no truncation), and show no sign of a kink.
      const h = stepFor(xj, twoPointBase);
      const px = round(xj + h);
      const mx = round(xj - h);
      const [fp, fm] = pair(px, mx, 0);
      const hp = px - xj;
      const hm = xj - mx;
      const w = px - mx;
      const half = w / 2;
      const twoPointNoise = (NOISE_SIGMAS * Math.SQRT1_2) / half;
      const decided = twoPointColumn(buffers, j, fp, fm, w, hp, hm, twoPointNoise, gate);
      if (decided) {
        twoPoint[j] = 1;
        steps[j] = h;
        // Reported as the five-point stencil would hold the entry (see twoPointFactor): its noise term at the base
        // step, if larger.
        noiseFactor[j] = Math.max(twoPointNoise, (NOISE_SIGMAS * RICHARDSON_NOISE) / stepFor(xj, base));
        continue;
      }
      // The five-point stencil reuses the two points when they are its outer ones.
      if (twoPointBase === base) {
        fp2 = fp;
        fm2 = fm;
      }
    }
    if (open.length === 0) {
      gapT = buffers.gapT = new Float64Array(rows * cols);
      smoothT = buffers.smoothT = new Float64Array(rows * cols);
      d4sqT = buffers.d4sqT = new Float64Array(rows * cols);
      movesT = buffers.movesT = new Uint8Array(rows * cols);
    }
    open.push(j);
    const h = stepFor(xj, base);
    steps[j] = h;
    // Five equally spaced points x−h, x−h/2, x, x+h/2, x+h (as stored in floating point).
    const p2x = round(xj + h);
    const m2x = round(xj - h);
    if (!fp2 || !fm2) [fp2, fm2] = pair(p2x, m2x, 0);
    const p1x = round(xj + h / 2);
    const m1x = round(xj - h / 2);
    const [fp1, fm1] = pair(p1x, m1x, 2);
    noiseFactor[j] = (NOISE_SIGMAS * RICHARDSON_NOISE) / h;
    const w2 = p2x - m2x;
    const w1 = p1x - m1x;
    fivePointColumn(buffers, j, fp2, fm2, fp1, fm1, w2, w1, p2x - xj, xj - m2x, p1x - xj, xj - m1x);
  }

  const openColumns = Int32Array.from(open);
  const noise = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const pooled = openColumns.length > 0 ? pooledNoise(d4sqT, movesT, i, rows, openColumns) : 0;
    noise[i] = Math.max(pooled, given?.[i] ?? 0, eps * maxAbs[i], tiny);
  }
  const kinkSuspect = new Uint8Array(rows * cols);
  const still = new Uint8Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (const j of openColumns) {
      const k = j * rows + i;
      if (!movesT[k]) still[i * rowStride + j * colStride] = 1;
      // Smooth f: gap ≈ (h/2)|f''| ≤ smooth. A kink within the stencil keeps the gap at the slope's jump.
      // (The noise floor here is roundoff only: a kink inflates the measured noise of its own row.)
      if (gapT[k] > 1.5 * smoothT[k] + 20 * ((eps * maxAbs[i]) / steps[j])) kinkSuspect[i * rowStride + j * colStride] = 1;
    }
  }
  let error: Float64Array | undefined;
  const twoPointFactor = Math.max(1, (base / twoPointBase) ** 2 / 4);
  return {
    rows,
    cols,
    value,
    truncation: trunc,
    get error(): Float64Array {
      if (!error) {
        error = new Float64Array(rows * cols);
        for (let i = 0; i < rows; i++) {
          for (let j = 0; j < cols; j++) {
            const k = i * rowStride + j * colStride;
            error[k] = noiseFactor[j] * noise[i] + (twoPoint[j] ? twoPointFactor * Math.abs(ref[k] - value[k]) : 0);
          }
        }
        for (let k = 0; k < error.length; k++) error[k] += trunc[k];
      }
      return error;
    },
    kinkSuspect,
    still,
    noise,
    scale: maxAbs,
    steps,
    noiseFactor,
    twoPoint,
    twoPointFactor,
    openColumns,
    evaluations,
  };
}

const EMPTY = new Float64Array(0);

/** The result arrays of fdJacobian (laid out by stride), its five-point extras (column-major) and what its column loops read. */
interface ColumnBuffers {
  rows: number;
  f0: Float64Array;
  ref: Float64Array;
  /** Entry (i, j) of the results sits at i·rowStride + j·colStride. */
  rowStride: number;
  colStride: number;
  value: Float64Array;
  trunc: Float64Array;
  gapT: Float64Array;
  smoothT: Float64Array;
  d4sqT: Float64Array;
  movesT: Uint8Array;
  maxAbs: Float64Array;
  eps: number;
  tiny: number;
  given: ArrayLike<number> | undefined;
}

/**
 * The two-point rule for one compared value: a central difference d decides when it lies within half the tightest
 * tolerance it could be held to, atol + rtol·max(|a|, |d|) + 2·noise (no truncation allowance), of the reference a.
 */
export function agreesOnTwoPoints(a: number, d: number, atol: number, rtol: number, noise: number): boolean {
  return Math.abs(a - d) <= 0.5 * (atol + rtol * Math.max(Math.abs(a), Math.abs(d)) + 2 * noise);
}

/**
 * Whether the one-sided gap |fwd − bwd| of a central difference at half-width `halfWidth` could be a kink: above
 * TWO_POINT_KINK_FRACTION of the larger one-sided slope, and above the gap floor of rounding and noise σ.
 */
export function kinkLikeOnTwoPoints(gap: number, slope: number, scale: number, halfWidth: number, epsilon: number, sigma: number): boolean {
  return gap > TWO_POINT_KINK_FRACTION * slope && gap > gapFloor(scale, halfWidth, epsilon, sigma);
}

/**
 * Fills column j with the central differences of f(x ± h) and says
 * whether the gate decides it: every entry within half its tightest tolerance of the reference, and no one-sided gap
 * that a kink could explain. (Functions of their own, the column loops stay small enough for the JIT to optimize.)
 */
function twoPointColumn(
  b: ColumnBuffers,
  j: number,
  fp: Float64Array,
  fm: Float64Array,
  w: number,
  hp: number,
  hm: number,
  noiseTerm: number,
  gate: TwoPointGate,
): boolean {
  const { rows, rowStride, f0, ref, value, maxAbs, eps, tiny, given } = b;
  const at = j * b.colStride;
  const { atol, rtol } = gate;
  const half = w / 2;
  // The one-sided slopes only feed the kink screen: multiplying by the inverse widths is exact enough there.
  const invHp = 1 / hp;
  const invHm = 1 / hm;
  let decided = true;
  for (let i = 0; i < rows; i++) {
    const fpi = fp[i];
    const fmi = fm[i];
    const f = f0[i];
    const d = (fpi - fmi) / w;
    value[at + i * rowStride] = d;
    const sc = Math.max(Math.abs(f), Math.abs(fpi), Math.abs(fmi));
    if (sc > maxAbs[i]) maxAbs[i] = sc;
    if (!decided) continue;
    const a = ref[at + i * rowStride];
    const sigma = Math.max(eps * sc, tiny, given ? given[i] : 0);
    // (A difference that overflowed is never decided: its tolerance would be infinite too.)
    if (!agreesOnTwoPoints(a, d, atol, rtol, noiseTerm * sigma) || !Number.isFinite(d)) {
      decided = false;
      continue;
    }
    const fwd = (fpi - f) * invHp;
    const bwd = (f - fmi) * invHm;
    if (kinkLikeOnTwoPoints(Math.abs(fwd - bwd), Math.max(Math.abs(fwd), Math.abs(bwd)), sc, half, eps, given ? given[i] : 0)) {
      decided = false;
      continue;
    }
  }
  return decided;
}

/**
 * Fills one column from the five points x ± h, x ± h/2 (and x): Richardson's (4·D(h/2) − D(h))/3 with its truncation
 * estimate, the one-sided gaps of the kink screen, the fourth difference of the noise estimate, the largest |f|.
 */
function fivePointColumn(
  b: ColumnBuffers,
  j: number,
  fp2: Float64Array,
  fm2: Float64Array,
  fp1: Float64Array,
  fm1: Float64Array,
  w2: number,
  w1: number,
  hp2: number,
  hm2: number,
  hp1: number,
  hm1: number,
): void {
  const { rows, rowStride, f0, value, trunc, gapT, smoothT, d4sqT, movesT, maxAbs } = b;
  const col = j * rows;
  const at = j * b.colStride;
  for (let i = 0; i < rows; i++) {
    const k = col + i;
    const r = at + i * rowStride;
    const d1 = (fp2[i] - fm2[i]) / w2;
    const d2 = (fp1[i] - fm1[i]) / w1;
    const correction = (d2 - d1) / 3;
    value[r] = d2 + correction;
    trunc[r] = Math.abs(correction);
    // One-sided differences at both levels: their gap at h/2 against how fast each side is converging.
    const fwd2 = (fp2[i] - f0[i]) / hp2;
    const bwd2 = (f0[i] - fm2[i]) / hm2;
    const fwd1 = (fp1[i] - f0[i]) / hp1;
    const bwd1 = (f0[i] - fm1[i]) / hm1;
    gapT[k] = Math.abs(fwd1 - bwd1);
    smoothT[k] = Math.abs(fwd2 - fwd1) + Math.abs(bwd2 - bwd1);
    const d4 = fm2[i] - 4 * fm1[i] + 6 * f0[i] - 4 * fp1[i] + fp2[i];
    d4sqT[k] = d4 * d4;
    if (fp2[i] !== f0[i] || fm2[i] !== f0[i] || fp1[i] !== f0[i] || fm1[i] !== f0[i]) movesT[k] = 1;
    const a = Math.max(Math.abs(fp2[i]), Math.abs(fm2[i]), Math.abs(fp1[i]), Math.abs(fm1[i]));
    if (a > maxAbs[i]) maxAbs[i] = a;
  }
}


const identity = (v: number): number => v;

/**
 * Noise σ of output row i from the squared fourth differences (column-major) of the given columns it depends on (a column whose five
 * stencil values are all equal says nothing about noise): the median over those columns (robust to a column that
 * straddles a kink) when there are at least 3, else the mean.
 */
function pooledNoise(d4sqT: Float64Array, movesT: Uint8Array, i: number, rows: number, columns: Int32Array): number {
  const row: number[] = [];
  for (const j of columns) if (movesT[j * rows + i]) row.push(d4sqT[j * rows + i]);
  const n = row.length;
  if (n === 0) return 0;
  if (n < 3) return Math.sqrt((noiseGamma(4) * row.reduce((s, v) => s + v, 0)) / n);
  row.sort((a, b) => a - b);
  const median = n % 2 ? row[(n - 1) / 2] : (row[n / 2 - 1] + row[n / 2]) / 2;
  // The median of a χ²₁ variable is 0.455 times its mean.
  return Math.sqrt((noiseGamma(4) * median) / 0.455);
}

/** The outcome of re-examining one Jacobian entry with smaller steps. */
export interface RefinedEntry {
  row: number;
  /** True when the one-sided slopes stay apart as the step shrinks: f has a kink at x. */
  kink: boolean;
  value: number;
  error: number;
  /** The truncation part of `error`; the rest is noiseFactor · σ of the row. */
  truncation: number;
  noiseFactor: number;
  /** True when the coarser stencils straddle a kink near (not at) x: the first estimate of the entry is not to be trusted. */
  straddled: boolean;
}

/** How many σ of measured noise a one-sided gap must exceed to count as evidence of a kink. */
const KINK_NOISE_SIGMAS = 8;

/**
 * The floor under which a one-sided gap |f(x+s) − 2f(x) + f(x−s)| / s at half-width s says nothing: 20 roundings of
 * the values involved, or KINK_NOISE_SIGMAS times the measured noise σ, over s.
 */
export function gapFloor(scale: number, halfWidth: number, epsilon: number, sigma = 0): number {
  return Math.max(20 * epsilon * scale, KINK_NOISE_SIGMAS * sigma) / halfWidth;
}

/**
 * Decides from a ladder of shrinking steps (coarse to fine) whether f has a kink at x. The one-sided gap
 * |f(x+s) − 2f(x) + f(x−s)| / s shrinks like s for smooth f (4× per rung of the ladder) and grows like 1/s for noise;
 * a kink at x holds it at the jump in slope. Judged on the two finest rungs that stand above their floors (a kink
 * whose jump is small next to the curvature only levels off there): kink when the finer gap is at least half the
 * coarser and exceeds a smooth f's share of it by more than its floor, and no rung finer still shows the gap
 * vanishing (the kink would then lie farther out than those steps).
 */
export function kinkOnLadder(gaps: readonly number[], floors: readonly number[]): boolean {
  let fine = -1;
  for (let l = gaps.length - 1; l >= 0; l--) {
    if (gaps[l] > floors[l]) {
      fine = l;
      break;
    }
  }
  if (fine < 1 || !(gaps[fine - 1] > floors[fine - 1])) return false;
  const ratio = gaps[fine] / gaps[fine - 1];
  if (!(ratio >= 0.5 && ratio <= 2)) return false;
  // What the finer gap holds beyond a smooth f's share (a quarter of the coarser one) must itself stand above the
  // floor: a gap of rounding quanta can sit at half the coarser one by chance.
  if (!(gaps[fine] - gaps[fine - 1] / 4 > floors[fine])) return false;
  for (let l = fine + 1; l < gaps.length; l++) if (gaps[l] < 0.25 * gaps[fine]) return false;
  return true;
}

/**
 * Reads one entry off a ladder of central differences D(s) at half-widths s, 4× apart (coarse to fine), with the
 * one-sided gaps |f(x+s) − 2f(x) + f(x−s)| / s and the largest |f| per rung: whether f has a kink at x, whether the
 * coarser stencils straddle a kink near x, and the Richardson estimate (ratio 4) of the derivative with its error.
 * `noise` is σ of f's values for the estimate's noise term, `kinkNoise` the σ the gaps are held against.
 */
export function ladderEstimate(
  diffs: readonly number[],
  gaps: readonly number[],
  scales: readonly number[],
  halfWidths: readonly number[],
  noise: number,
  kinkNoise: number,
  epsilon: number,
): Omit<RefinedEntry, 'row'> {
  const rungs = diffs.length;
  const floors = scales.map((sc, level) => gapFloor(sc, halfWidths[level], epsilon, kinkNoise));
  const kink = kinkOnLadder(gaps, floors);
  // The coarsest rung whose stencil still looks smooth seen from the finer ones: for smooth f the one-sided gap
  // grows 4× per coarser rung; a rung whose gap jumps far beyond that straddles a kink near x.
  let smoothFrom = rungs - 1;
  while (smoothFrom > 0 && gaps[smoothFrom - 1] <= 6 * Math.max(gaps[smoothFrom], floors[smoothFrom]) + floors[smoothFrom - 1]) smoothFrom--;
  // A gap that stands above its floor at one rung and falls more than 16× by the next (a smooth f falls 4×), where
  // that next gap is itself resolved, or exactly 0 down the ladder (f affine there, in floating point): the coarser
  // stencils straddle a kink near x, and only the finer rungs may be used, however noisy. (A noisy next rung says
  // nothing: its gap may be small by chance.)
  let straddled = false;
  const flatFrom = (l: number): boolean => gaps.slice(l).every((g) => g === 0);
  for (let l = 0; l + 1 < rungs; l++) {
    const next = gaps[l + 1];
    // An exact 0 counts only where a smooth f would have left a second difference of several roundings (g/4 at the
    // next rung): in low precision a small curvature rounds to 0 as readily as an affine piece does.
    const roundings = (4 * epsilon * scales[l + 1]) / halfWidths[l + 1];
    if (gaps[l] > floors[l] && next < gaps[l] / 16 && (next > floors[l + 1] || (flatFrom(l + 1) && gaps[l] / 4 > roundings))) {
      straddled = true;
      smoothFrom = Math.max(smoothFrom, l + 1);
    }
  }
  // Start from the finest pair (the most local, clear of a kink that is near x but not at it) and move to a
  // coarser pair only while it agrees with the estimate so far and is more precise (less noise). Where the finest
  // pair stays the estimate, its error also covers its disagreement with the next coarser one: a kink inside the
  // finest stencils biases both of its central differences alike, which their own difference does not show.
  const estimates = [];
  for (let level = 1; level < rungs; level++) {
    const est = richardson(diffs[level - 1], diffs[level], 4);
    // Noise of (16·D(s/4) − D(s))/15 with D(s) = Δf/2s: about (16/15)·σ/(√2·s/4).
    const noiseFactor = (NOISE_SIGMAS * (16 / 15) * Math.SQRT1_2) / halfWidths[level];
    estimates.push({ value: est.value, error: est.error + noiseFactor * noise, truncation: est.error, noiseFactor });
  }
  const finestPair = estimates.length - 1;
  let at = finestPair;
  // Pair p takes rungs p and p + 1: only rungs that look smooth.
  for (let p = finestPair - 1; p >= smoothFrom; p--) {
    const e = estimates[p];
    if (Math.abs(e.value - estimates[at].value) > 2 * (e.error + estimates[at].error)) break;
    if (e.error < estimates[at].error) at = p;
  }
  let best = estimates[at];
  // The finest pair's error covers its disagreement with the next coarser one, unless that one straddles a kink.
  if (at === finestPair && finestPair > 0 && finestPair - 1 >= smoothFrom) {
    const bias = Math.abs(best.value - estimates[finestPair - 1].value);
    best = { ...best, error: best.error + bias, truncation: best.truncation + bias };
  }
  return { kink, straddled, ...best };
}

/** How a column is re-examined. */
export interface RefineOptions {
  /** Unit roundoff of the precision f computes in. @defaultValue 2^-52 */
  epsilon?: number;
  /** Rounds a stencil point to the format f computes in. @defaultValue identity */
  round?: (v: number) => number;
  /**
   * A noise σ per output row for the kink floors, measured apart from the stencil (ECnoise): the pooled fourth
   * differences of a column that straddles a kink are inflated by the kink itself. @defaultValue roundoff only
   */
  kinkNoise?: ArrayLike<number>;
}

/**
 * Re-examines the given rows of column j on a ladder of steps h, h/4, h/16, h/64: decides whether a kink sits at x
 * (the forward and backward slopes do not converge) and otherwise re-estimates each entry by Richardson extrapolation
 * of a neighbouring pair of steps: the finest, or a coarser one that agrees with it and has a smaller error estimate.
 */
export function refineColumn(
  evaluate: Evaluate,
  x: Float64Array,
  f0: Float64Array,
  j: number,
  h: number,
  rowsToRefine: readonly number[],
  noise: ArrayLike<number>,
  options: RefineOptions = {},
): { entries: RefinedEntry[]; evaluations: number } {
  const epsilon = options.epsilon ?? 2 ** -52;
  const round = options.round ?? identity;
  const xj = x[j];
  const levels = [h, h / 4, h / 16, h / 64];
  const diffs: Float64Array[] = [];
  const gaps: Float64Array[] = [];
  const scales: Float64Array[] = [];
  const halfWidths: number[] = [];
  for (const step of levels) {
    const px = round(xj + step);
    const mx = round(xj - step);
    x[j] = px;
    const fp = evaluate(j);
    x[j] = mx;
    const fm = evaluate(j);
    x[j] = xj;
    const width = px - mx;
    halfWidths.push(width / 2);
    const d = new Float64Array(rowsToRefine.length);
    const g = new Float64Array(rowsToRefine.length);
    const sc = new Float64Array(rowsToRefine.length);
    rowsToRefine.forEach((i, r) => {
      d[r] = centralDifference(fp[i], fm[i], width);
      g[r] = Math.abs(fp[i] - 2 * f0[i] + fm[i]) / (width / 2);
      sc[r] = Math.max(Math.abs(fp[i]), Math.abs(fm[i]), Math.abs(f0[i]));
    });
    diffs.push(d);
    gaps.push(g);
    scales.push(sc);
  }
  const entries = rowsToRefine.map(
    (i, r): RefinedEntry => ({
      row: i,
      ...ladderEstimate(
        diffs.map((d) => d[r]),
        gaps.map((g) => g[r]),
        scales.map((sc) => sc[r]),
        halfWidths,
        noise[i],
        options.kinkNoise?.[i] ?? 0,
        epsilon,
      ),
    }),
  );
  return { entries, evaluations: 2 * levels.length };
}
