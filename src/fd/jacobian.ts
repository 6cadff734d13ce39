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
  /** The largest single-column noise sample of each output component (robust where the median is not). */
  noiseMax: Float64Array;
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
  const noiseMax = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    noise[i] = Math.max(pooledNoise(d4sq, i, cols), eps * maxAbs[i], tiny);
    let top = 0;
    for (let j = 0; j < cols; j++) top = Math.max(top, d4sq[i * cols + j]);
    noiseMax[i] = Math.max(Math.sqrt(noiseGamma(4) * top), noise[i]);
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
  return { rows, cols, value, error, kinkSuspect, noise, noiseMax, steps, evaluations: 4 * cols };
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
 * Re-examines the given rows of column j on a ladder of steps h, h/4, h/16, h/64: decides whether a kink sits at
 * or near x (the one-sided slopes do not converge) and otherwise re-estimates the entry by Richardson extrapolation
 * over the finest steps, with an error estimate that covers the noise of f measured along this column and the
 * estimate's disagreement with the one a step coarser.
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
  noiseMax: Float64Array = noise,
): { entries: RefinedEntry[]; evaluations: number } {
  const xj = x[j];
  const levels = [h, h / 4, h / 16, h / 64];
  const diffs: Float64Array[] = [];
  const gaps: Float64Array[] = [];
  const scales: Float64Array[] = [];
  const halfWidths: number[] = [];
  /** 1 where f did not move at all at that step (f(x ± step) = f(x)). */
  const unmoved: Uint8Array[] = [];
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
    const still = new Uint8Array(rowsToRefine.length);
    rowsToRefine.forEach((i, r) => {
      d[r] = centralDifference(fp[i], fm[i], width);
      still[r] = fp[i] === f0[i] && fm[i] === f0[i] ? 1 : 0;
      g[r] = Math.abs(fp[i] - 2 * f0[i] + fm[i]) / (width / 2);
      sc[r] = Math.max(Math.abs(fp[i]), Math.abs(fm[i]), Math.abs(f0[i]));
    });
    diffs.push(d);
    gaps.push(g);
    scales.push(sc);
    unmoved.push(still);
  }
  const last = levels.length - 1;
  // The noise of f along this column, measured here (ECnoise: fourth differences of nine equally spaced
  // points). The pooled estimate is a median over columns, and columns that barely move f, or do not move it
  // at all, pull it below the noise of a column that does. Rounding that moves f in quanta makes a staircase:
  // sampled at one spacing, its errors can line up (a sawtooth without a wrap, whose fourth differences
  // vanish); so probe at two spacings, 4× apart and not powers of two times the step, and keep the larger
  // estimate. Where f does not change at all over either probe, the probe is spread wider.
  const columnNoise = new Float64Array(rowsToRefine.length);
  let flat = rowsToRefine.map((_, r) => r);
  let probeEvaluations = 0;
  const spacings = [levels[last], levels[last - 1], levels[last - 2]].map((s) => s * 0.6180339887498949);
  for (let p = 0; p < spacings.length; p++) {
    const delta = spacings[p];
    const probe: Float64Array[] = [];
    for (let k = -4; k <= 4; k++) {
      if (k === 0) {
        probe.push(f0);
        continue;
      }
      x[j] = xj + k * delta;
      probe.push(evaluate());
      probeEvaluations++;
    }
    x[j] = xj;
    rowsToRefine.forEach((i, r) => {
      let sum = 0;
      for (let m = 0; m + 4 < probe.length; m++) {
        const d4 = fourthDifference(probe[m][i], probe[m + 1][i], probe[m + 2][i], probe[m + 3][i], probe[m + 4][i]);
        sum += d4 * d4;
      }
      columnNoise[r] = Math.max(columnNoise[r], Math.sqrt((noiseGamma(4) * sum) / (probe.length - 4)));
    });
    flat = flat.filter((r) => probe.every((q) => q[rowsToRefine[r]] === f0[rowsToRefine[r]]));
    if (p >= 1 && flat.length === 0) break;
  }
  // Rows along which f did not move at any step: the quantum in which f moves, measured along a direction
  // that moves every entry (their rounding errors then do not line up as they can along one axis).
  const stillRows = rowsToRefine.filter((_, r) => unmoved.every((u) => u[r] === 1));
  const quantum = stillRows.length > 0 ? directionalNoise(evaluate, x, f0, j, levels[last - 1] * 0.6180339887498949) : undefined;
  if (quantum) probeEvaluations += 8;
  const entries = rowsToRefine.map((i, r): RefinedEntry => {
    // The one-sided gap |f(x+h) − 2f(x) + f(x−h)| / h shrinks like h for smooth f and grows like 1/h for
    // rounding noise; a kink at x holds it at the jump in slope, the same at every step of the ladder.
    // A kink at a distance d from x holds it at jump·(1 − d/step) while the stencil straddles it: never
    // growing as the step shrinks, where noise makes it grow. Judge on the three coarsest steps: a kink
    // within h/31 of x is then flagged, and one farther out leaves the two finest steps of the Richardson
    // estimate either clean or, at h/16, polluted by less than its error estimate (|D(h/16) − D(h/64)| / 15).
    let lo = Infinity;
    let hi = 0;
    let aboveRoundoff = true;
    let growing = false;
    for (let level = 0; level < last; level++) {
      const g = gaps[level][r];
      lo = Math.min(lo, g);
      hi = Math.max(hi, g);
      if (!(g > (20 * epsilon * scales[level][r]) / halfWidths[level])) aboveRoundoff = false;
      if (level > 0 && g > 1.25 * gaps[level - 1][r]) growing = true;
    }
    const kink = aboveRoundoff && !growing && lo >= 0.5 * hi;
    // Richardson estimates from the two finest pairs of steps; each must agree with the one a step coarser
    // (their gap bounds the coarser one's error, and grows with whatever spoils the finer one that the noise
    // estimate misses: rounding that moves f in quanta, a kink the steps straddle). Keep the one with the
    // smaller error: at the finest steps f may move by only a few quanta.
    const sigma = Math.max(noise[i], columnNoise[r]);
    let value = NaN;
    let error = Infinity;
    for (let fine = last - 1; fine <= last; fine++) {
      const est = richardson(diffs[fine - 1][r], diffs[fine][r], 4);
      const coarser = richardson(diffs[fine - 2][r], diffs[fine - 1][r], 4);
      const rNoise = (16 / 15) * Math.SQRT1_2 * (sigma / halfWidths[fine]);
      let e = Math.max(est.error, Math.abs(est.value - coarser.value)) + NOISE_SIGMAS * rNoise;
      // Where f did not move at all at the finer step, f'·step is below the quantum in which f moves: the
      // entry is known only to within about that quantum over the largest such step (the row's largest noise
      // sample stands in for the quantum, which a median over columns can miss).
      if (unmoved[fine][r]) {
        let widest = fine;
        while (widest > 0 && unmoved[widest - 1][r]) widest--;
        e = Math.max(e, (NOISE_SIGMAS * Math.max(noiseMax[i], sigma, quantum ? quantum[i] : 0)) / halfWidths[widest]);
      }
      if (e <= error) {
        value = est.value;
        error = e;
      }
    }
    return { row: i, kink, value, error };
  });
  return { entries, evaluations: 2 * levels.length + probeEvaluations };
}

/**
 * Noise σ of every output component along a fixed pseudo-random direction through all entries of x (each
 * moved by up to delta times its own scale), from fourth differences of nine equally spaced points; x is
 * restored exactly. The direction depends only on the column index, so a check replays.
 */
function directionalNoise(evaluate: Evaluate, x: Float64Array, f0: Float64Array, column: number, delta: number): Float64Array {
  const saved = Float64Array.from(x);
  const v = Float64Array.from(saved, (xi, k) => {
    const u = Math.sin((k + 1) * 12.9898 + (column + 1) * 78.233) * 43758.5453;
    return (u - Math.floor(u) - 0.5) * 2 * Math.max(Math.abs(xi), 1);
  });
  const probe: Float64Array[] = [];
  for (let t = -4; t <= 4; t++) {
    if (t === 0) {
      probe.push(f0);
      continue;
    }
    for (let k = 0; k < x.length; k++) x[k] = saved[k] + t * delta * v[k];
    probe.push(evaluate());
  }
  x.set(saved);
  const sigma = new Float64Array(f0.length);
  for (let i = 0; i < f0.length; i++) {
    let sum = 0;
    for (let m = 0; m + 4 < probe.length; m++) {
      const d4 = fourthDifference(probe[m][i], probe[m + 1][i], probe[m + 2][i], probe[m + 3][i], probe[m + 4][i]);
      sum += d4 * d4;
    }
    sigma[i] = Math.sqrt((noiseGamma(4) * sum) / (probe.length - 4));
  }
  return sigma;
}
