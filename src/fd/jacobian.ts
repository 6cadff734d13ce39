import { centralDifference } from './central-difference.js';
import { fourthDifference, noiseGamma } from './noise.js';
import { richardson } from './richardson.js';
import { FLOAT64_BASE_STEP, stepFor } from './step.js';

/** Evaluates f at the current contents of the working buffer and returns a fresh flat output. */
export type Evaluate = () => Float64Array;

/** How finite differences are taken. */
export interface FdOptions {
  /** Relative step of the coarse stencil; the fine one is half of it. @defaultValue 2^-13 */
  baseStep?: number;
  /** Unit roundoff of the precision f computes in: floor of the noise estimate. @defaultValue 2^-52 */
  epsilon?: number;
  /** Smallest normal number of that precision: values below it carry underflow noise. @defaultValue 2^-1022 */
  tiny?: number;
  /** Noise of f's values known from elsewhere (e.g. its intermediates): the noise estimate never goes below it. @defaultValue 0 */
  noiseFloor?: number;
}

/** Number of standard deviations of rounding noise that an error estimate covers. */
export const NOISE_SIGMAS = 3;

/** Standard deviation of the two-level Richardson value per unit σ/h (from (4·D(h/2) − D(h))/3). */
const RICHARDSON_NOISE = 1.9;

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
  /** The coarse step h used for each input entry. */
  steps: Float64Array;
  /** Function evaluations spent. */
  evaluations: number;
}

/**
 * Finite-difference Jacobian of f with respect to the buffer x: central differences at h and h/2 per entry,
 * combined by Richardson extrapolation. x is perturbed in place and restored exactly.
 */
export function fdJacobian(evaluate: Evaluate, x: Float64Array, f0: Float64Array, options: FdOptions = {}): FdJacobian {
  const base = options.baseStep ?? FLOAT64_BASE_STEP;
  const eps = options.epsilon ?? 2 ** -52;
  const tiny = options.tiny ?? 2 ** -1022;
  const rows = f0.length;
  const cols = x.length;
  const value = new Float64Array(rows * cols);
  const trunc = new Float64Array(rows * cols);
  const gap = new Float64Array(rows * cols);
  const smooth = new Float64Array(rows * cols);
  const steps = new Float64Array(cols);
  const d4sq = new Float64Array(rows * cols);
  const maxAbs = new Float64Array(rows);
  for (let i = 0; i < rows; i++) maxAbs[i] = Math.abs(f0[i]);

  for (let j = 0; j < cols; j++) {
    const xj = x[j];
    const h = stepFor(xj, base);
    steps[j] = h;
    // Five equally spaced points x−h, x−h/2, x, x+h/2, x+h (as stored in floating point).
    const p2x = xj + h;
    const m2x = xj - h;
    const p1x = xj + h / 2;
    const m1x = xj - h / 2;
    x[j] = p2x;
    const fp2 = evaluate();
    x[j] = m2x;
    const fm2 = evaluate();
    x[j] = p1x;
    const fp1 = evaluate();
    x[j] = m1x;
    const fm1 = evaluate();
    x[j] = xj;
    const hp1 = p1x - xj;
    const hm1 = xj - m1x;
    const hp2 = p2x - xj;
    const hm2 = xj - m2x;
    for (let i = 0; i < rows; i++) {
      const k = i * cols + j;
      const d1 = centralDifference(fp2[i], fm2[i], p2x - m2x);
      const d2 = centralDifference(fp1[i], fm1[i], p1x - m1x);
      const r = richardson(d1, d2, 2);
      value[k] = r.value;
      trunc[k] = r.error;
      // One-sided differences at both levels: their gap at h/2 against how fast each side is converging.
      const fwd2 = (fp2[i] - f0[i]) / hp2;
      const bwd2 = (f0[i] - fm2[i]) / hm2;
      const fwd1 = (fp1[i] - f0[i]) / hp1;
      const bwd1 = (f0[i] - fm1[i]) / hm1;
      gap[k] = Math.abs(fwd1 - bwd1);
      smooth[k] = Math.abs(fwd2 - fwd1) + Math.abs(bwd2 - bwd1);
      const d4 = fourthDifference(fm2[i], fm1[i], f0[i], fp1[i], fp2[i]);
      d4sq[k] = d4 * d4;
      const a = Math.max(Math.abs(fp2[i]), Math.abs(fm2[i]), Math.abs(fp1[i]), Math.abs(fm1[i]));
      if (a > maxAbs[i]) maxAbs[i] = a;
    }
  }

  const noise = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    noise[i] = Math.max(pooledNoise(d4sq, i, cols), eps * maxAbs[i], tiny, options.noiseFloor ?? 0);
  }
  const error = new Float64Array(rows * cols);
  const kinkSuspect = new Uint8Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const k = i * cols + j;
      const h = steps[j];
      error[k] = trunc[k] + NOISE_SIGMAS * RICHARDSON_NOISE * (noise[i] / h);
      // Smooth f: gap ≈ (h/2)|f''| ≤ smooth. A kink within the stencil keeps the gap at the slope's jump.
      // (The noise floor here is roundoff only: a kink inflates the measured noise of its own row.)
      if (gap[k] > 2 * smooth[k] + 20 * ((eps * maxAbs[i]) / h)) kinkSuspect[k] = 1;
    }
  }
  return { rows, cols, value, error, kinkSuspect, noise, steps, evaluations: 4 * cols };
}

/**
 * Noise σ of output row i from the squared fourth differences of its columns: the median over columns
 * (robust to a column that straddles a kink) when there are at least 3, else the mean.
 */
function pooledNoise(d4sq: Float64Array, i: number, cols: number): number {
  if (cols === 0) return 0;
  const row = d4sq.slice(i * cols, (i + 1) * cols);
  if (cols < 3) {
    let s = 0;
    for (const v of row) s += v;
    return Math.sqrt((noiseGamma(4) * s) / cols);
  }
  row.sort();
  const median = cols % 2 ? row[(cols - 1) / 2] : (row[cols / 2 - 1] + row[cols / 2]) / 2;
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
}

/**
 * Re-examines the given rows of column j on a ladder of steps h, h/4, h/16, h/64: decides whether a kink sits at x
 * (the forward and backward slopes do not converge) and otherwise re-estimates the entry from the two finest steps.
 */
export function refineColumn(
  evaluate: Evaluate,
  x: Float64Array,
  f0: Float64Array,
  j: number,
  h: number,
  rowsToRefine: readonly number[],
  noise: Float64Array,
  epsilon: number = 2 ** -52,
  noiseFloor = 0,
): { entries: RefinedEntry[]; evaluations: number } {
  const xj = x[j];
  const levels = [h, h / 4, h / 16, h / 64];
  const diffs: Float64Array[] = [];
  const gaps: Float64Array[] = [];
  const scales: Float64Array[] = [];
  const halfWidths: number[] = [];
  for (const step of levels) {
    const px = xj + step;
    const mx = xj - step;
    x[j] = px;
    const fp = evaluate();
    x[j] = mx;
    const fm = evaluate();
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
  const last = levels.length - 1;
  const entries = rowsToRefine.map((i, r): RefinedEntry => {
    const hLast = halfWidths[last];
    // The one-sided gap |f(x+h) − 2f(x) + f(x−h)| / h shrinks like h for smooth f and grows like 1/h for
    // rounding noise; a kink at x holds it at the jump in slope, the same at every step of the ladder.
    // Only levels whose gap stands above roundoff (and the noise floor) say anything; in float32 a small jump
    // drowns at the finest steps. Smooth f: the gap falls 4× per level. A kink within the step: it tends to the
    // jump (a curvature term may add to or take from it at the coarse steps).
    const roundoff = (level: number): number => Math.max(epsilon * scales[level][r], noiseFloor) / halfWidths[level];
    const resolved: number[] = [];
    for (let level = 0; level < gaps.length; level++) if (gaps[level][r] > 20 * roundoff(level)) resolved.push(level);
    let kink = false;
    if (resolved.length >= 2) {
      const first = resolved[0];
      const last = resolved[resolved.length - 1];
      const g = (level: number): number => gaps[level][r];
      if (last - first >= 2) {
        // Over two or more levels a smooth gap falls to 1/16 or less; one still at a tenth of the largest straddles a kink.
        kink = g(last) >= 0.1 * Math.max(...resolved.map(g));
      } else {
        // Two neighbouring levels: a kink if the gap holds, unless the next step shows it gone (a drop roundoff
        // could not have hidden) — the step no longer reaches the kink.
        const held = Math.min(g(first), g(last));
        const next = last + 1;
        const dropped = next < gaps.length && g(next) < 0.5 * held && 4 * roundoff(next) < 0.5 * held;
        kink = g(last) >= 0.5 * g(first) && !dropped;
      }
    }
    const est = richardson(diffs[last - 1][r], diffs[last][r], 4);
    const rNoise = (16 / 15) * Math.SQRT1_2 * (noise[i] / hLast);
    return { row: i, kink, value: est.value, error: est.error + NOISE_SIGMAS * rNoise };
  });
  return { entries, evaluations: 2 * levels.length };
}
