import { centralDifference } from './central-difference.js';
import { noiseGamma } from './noise.js';
import { richardson } from './richardson.js';
import { FLOAT64_BASE_STEP, stepFor } from './step.js';

/**
 * Evaluates f at the current contents of the working buffer and returns a fresh flat output. `moved` is the index of
 * the one entry that was moved away from x, when only one was (so the caller can check that f left it alone).
 */
export type Evaluate = (moved?: number) => Float64Array;

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
  /** Richardson estimate of ∂f_i/∂x_j, row-major [rows, cols]. */
  value: Float64Array;
  /** Estimated error of each value: truncation plus NOISE_SIGMAS times the rounding noise. */
  error: Float64Array;
  /** 1 where the one-sided differences disagree enough to suspect a kink within the stencil. */
  kinkSuspect: Uint8Array;
  /** Estimated absolute noise σ of each output component. */
  noise: Float64Array;
  /** The largest |f| of each output component over the stencil points (the scale its rounding is relative to). */
  scale: Float64Array;
  /** The coarse step h used for each input entry. */
  steps: Float64Array;
  /** Per column: how the row's noise σ enters each entry's error (error = truncation part + noiseFactor · σ). */
  noiseFactor: Float64Array;
  /**
   * Per column: 1 when the gate decided it on two points. Its values are central differences at ±h and their
   * `error` is the disagreement with the reference plus the noise term: how far off the difference is if the
   * reference is right (a reference that is wrong beyond the gate's tolerance never decides a column).
   */
  twoPoint: Uint8Array;
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
  const cols = x.length;
  const value = new Float64Array(rows * cols);
  const trunc = new Float64Array(rows * cols);
  const gap = new Float64Array(rows * cols);
  const smooth = new Float64Array(rows * cols);
  const steps = new Float64Array(cols);
  const d4sq = new Float64Array(rows * cols);
  const moves = new Uint8Array(rows * cols);
  const maxAbs = new Float64Array(rows);
  for (let i = 0; i < rows; i++) maxAbs[i] = Math.abs(f0[i]);
  const noiseFactor = new Float64Array(cols);
  const twoPoint = new Uint8Array(cols);
  const gate = options.gate;
  const given = options.noise;
  let evaluations = 0;

  for (let j = 0; j < cols; j++) {
    const xj = x[j];
    const h = stepFor(xj, base);
    steps[j] = h;
    // Five equally spaced points x−h, x−h/2, x, x+h/2, x+h (as stored in floating point): the outer two first.
    const p2x = round(xj + h);
    const m2x = round(xj - h);
    x[j] = p2x;
    const fp2 = evaluate(j);
    x[j] = m2x;
    const fm2 = evaluate(j);
    x[j] = xj;
    evaluations += 2;
    const hp2 = p2x - xj;
    const hm2 = xj - m2x;
    const w2 = p2x - m2x;
    if (gate) {
      // The two-point path: every entry of the column must agree with the reference within half the tightest
      // tolerance it could be held to (the noise term alone, no truncation), and show no sign of a kink.
      const half = w2 / 2;
      const twoPointNoise = (NOISE_SIGMAS * Math.SQRT1_2) / half;
      const ref = gate.reference;
      let decided = true;
      for (let i = 0; i < rows; i++) {
        const k = i * cols + j;
        const fp = fp2[i];
        const fm = fm2[i];
        const f = f0[i];
        const d = (fp - fm) / w2;
        value[k] = d;
        const sc = Math.max(Math.abs(f), Math.abs(fp), Math.abs(fm));
        if (sc > maxAbs[i]) maxAbs[i] = sc;
        if (!decided) continue;
        const a = ref[k];
        const deviation = Math.abs(a - d);
        const sigma = Math.max(eps * sc, tiny, given?.[i] ?? 0);
        if (!(deviation <= 0.5 * (gate.atol + gate.rtol * Math.max(Math.abs(a), Math.abs(d)) + 2 * twoPointNoise * sigma))) {
          decided = false;
          continue;
        }
        const fwd = (fp - f) / hp2;
        const bwd = (f - fm) / hm2;
        const gap = Math.abs(fwd - bwd);
        if (gap > gapFloor(sc, half, eps, given?.[i] ?? 0) && gap > TWO_POINT_KINK_FRACTION * Math.max(Math.abs(fwd), Math.abs(bwd))) {
          decided = false;
          continue;
        }
        trunc[k] = deviation;
      }
      if (decided) {
        twoPoint[j] = 1;
        noiseFactor[j] = twoPointNoise;
        continue;
      }
    }
    const p1x = round(xj + h / 2);
    const m1x = round(xj - h / 2);
    x[j] = p1x;
    const fp1 = evaluate(j);
    x[j] = m1x;
    const fm1 = evaluate(j);
    x[j] = xj;
    evaluations += 2;
    noiseFactor[j] = (NOISE_SIGMAS * RICHARDSON_NOISE) / h;
    const hp1 = p1x - xj;
    const hm1 = xj - m1x;
    const w1 = p1x - m1x;
    // The hot loop: central differences and Richardson's (4·D(h/2) − D(h))/3 written out (see richardson()).
    for (let i = 0; i < rows; i++) {
      const k = i * cols + j;
      const d1 = (fp2[i] - fm2[i]) / w2;
      const d2 = (fp1[i] - fm1[i]) / w1;
      const correction = (d2 - d1) / 3;
      value[k] = d2 + correction;
      trunc[k] = Math.abs(correction);
      // One-sided differences at both levels: their gap at h/2 against how fast each side is converging.
      const fwd2 = (fp2[i] - f0[i]) / hp2;
      const bwd2 = (f0[i] - fm2[i]) / hm2;
      const fwd1 = (fp1[i] - f0[i]) / hp1;
      const bwd1 = (f0[i] - fm1[i]) / hm1;
      gap[k] = Math.abs(fwd1 - bwd1);
      smooth[k] = Math.abs(fwd2 - fwd1) + Math.abs(bwd2 - bwd1);
      const d4 = fm2[i] - 4 * fm1[i] + 6 * f0[i] - 4 * fp1[i] + fp2[i];
      d4sq[k] = d4 * d4;
      if (fp2[i] !== f0[i] || fm2[i] !== f0[i] || fp1[i] !== f0[i] || fm1[i] !== f0[i]) moves[k] = 1;
      const a = Math.max(Math.abs(fp2[i]), Math.abs(fm2[i]), Math.abs(fp1[i]), Math.abs(fm1[i]));
      if (a > maxAbs[i]) maxAbs[i] = a;
    }
  }

  const noise = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    noise[i] = Math.max(pooledNoise(d4sq, moves, i, cols), options.noise?.[i] ?? 0, eps * maxAbs[i], tiny);
  }
  const error = new Float64Array(rows * cols);
  const kinkSuspect = new Uint8Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const k = i * cols + j;
      const h = steps[j];
      error[k] = trunc[k] + noiseFactor[j] * noise[i];
      // Smooth f: gap ≈ (h/2)|f''| ≤ smooth. A kink within the stencil keeps the gap at the slope's jump.
      // (The noise floor here is roundoff only: a kink inflates the measured noise of its own row.)
      if (!twoPoint[j] && gap[k] > 1.5 * smooth[k] + 20 * ((eps * maxAbs[i]) / h)) kinkSuspect[k] = 1;
    }
  }
  return { rows, cols, value, error, kinkSuspect, noise, scale: maxAbs, steps, noiseFactor, twoPoint, evaluations };
}

const identity = (v: number): number => v;

/**
 * Noise σ of output row i from the squared fourth differences of the columns it depends on (a column whose five
 * stencil values are all equal says nothing about noise): the median over those columns (robust to a column that
 * straddles a kink) when there are at least 3, else the mean.
 */
function pooledNoise(d4sq: Float64Array, moves: Uint8Array, i: number, cols: number): number {
  const row: number[] = [];
  for (let j = 0; j < cols; j++) if (moves[i * cols + j]) row.push(d4sq[i * cols + j]);
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
