import { noiseGamma } from './noise.js';
import { FLOAT64, onGrid, type PrecisionModel } from './precision.js';
import { gaussianVector, type Rng } from './random.js';
import { randomLine } from './staircase.js';

/**
 * How an ECnoise estimate ended (Moré & Wild's `inform`): 1 noise detected, 2 no noise seen (the values barely
 * change: the spacing is too small, or f does not depend on x), 3 the spacing is too large (the table never levels off).
 */
export type EcnoiseInform = 1 | 2 | 3;

/** The noise level of one sequence of values, from its difference table. */
export interface EcnoiseResult {
  /** Estimated standard deviation σ of the noise in each value (0 unless inform is 1). */
  sigma: number;
  /** The order k of the differences the estimate was read from (0 unless inform is 1). */
  order: number;
  inform: EcnoiseInform;
  /**
   * When the table never settled although the values varied by less than 10%: the larger of the levels σ_3 and σ_4,
   * an upper-side estimate of the noise (a smooth trend only inflates it, by about spacing³·f'''). 0 otherwise.
   */
  bound: number;
}

/**
 * ECnoise (Moré & Wild 2011) on values of f at equally spaced points: builds the difference table, estimates
 * σ_k = sqrt(γ_k · mean((Δᵏf)²)) at each order k, and accepts the lowest k where σ_k, σ_k+1, σ_k+2 agree within a
 * factor 4 and the k-th differences change sign (noise, not a smooth trend).
 */
export function ecnoise(values: ArrayLike<number>): EcnoiseResult {
  const nf = values.length;
  const none = (inform: EcnoiseInform, bound = 0): EcnoiseResult => ({ sigma: 0, order: 0, inform, bound });
  if (nf < 4) return none(3);
  let fmin = Infinity;
  let fmax = -Infinity;
  for (let i = 0; i < nf; i++) {
    fmin = Math.min(fmin, values[i]);
    fmax = Math.max(fmax, values[i]);
  }
  // Values that vary by more than 10% are a trend, not noise: the spacing is too large.
  if ((fmax - fmin) / Math.max(Math.abs(fmax), Math.abs(fmin)) > 0.1) return none(3);
  const d = Float64Array.from(values);
  const level = new Float64Array(nf - 1);
  const signChange = new Uint8Array(nf - 1);
  for (let j = 1; j < nf; j++) {
    let zeros = 0;
    let emin = Infinity;
    let emax = -Infinity;
    let sq = 0;
    for (let i = 0; i < nf - j; i++) {
      d[i] = d[i + 1] - d[i];
      if (d[i] === 0) zeros++;
      emin = Math.min(emin, d[i]);
      emax = Math.max(emax, d[i]);
      sq += d[i] * d[i];
    }
    // Half or more of the first differences exactly 0: the values are not moving (spacing too small).
    if (j === 1 && zeros >= nf / 2) return none(2);
    level[j - 1] = Math.sqrt((noiseGamma(j) * sq) / (nf - j));
    if (emin * emax < 0) signChange[j - 1] = 1;
  }
  for (let k = 0; k + 2 < nf - 1; k++) {
    const lo = Math.min(level[k], level[k + 1], level[k + 2]);
    const hi = Math.max(level[k], level[k + 1], level[k + 2]);
    if (hi <= 4 * lo && signChange[k]) return { sigma: level[k], order: k + 1, inform: 1, bound: 0 };
  }
  return none(3, nf > 5 ? Math.max(level[2], level[3]) : 0);
}

/** Evaluates f at the current contents of the working buffers and returns a fresh flat output. */
export type EvaluateAt = () => Float64Array;

/** The noise level of each output component of f at x. */
export interface NoiseProfile {
  /**
   * σ of each output component: the accepted ECnoise level; where no level was accepted, the upper-side bound of
   * the tables that varied by less than 10%; 0 where no noise was seen.
   */
  sigma: Float64Array;
  /** The ECnoise outcome per output component. */
  inform: Uint8Array;
  /** The largest |f| seen on the line, per output component (the scale the noise is relative to). */
  scale: Float64Array;
  /** Function evaluations spent. */
  evaluations: number;
  /** 1 where the output did not move at all at any point of the line (fitNoise only). */
  flat?: Uint8Array;
}

/** How the noise of f is estimated. */
export interface NoiseOptions {
  /** Points on the line, including x itself. @defaultValue 9 */
  points?: number;
  /**
   * Relative spacing of the first attempt: far below the finest finite-difference step, so that a kink at x adds
   * little to the estimate. @defaultValue 2^-26 in float64, 2^-13 in float32
   */
  spacing?: number;
  /** Attempts (the spacing shrinks 64× between them, while a quarter or more of the outputs see a trend). @defaultValue 3 */
  attempts?: number;
  /** The format f computes in. @defaultValue float64 */
  precision?: PrecisionModel;
}

/**
 * Estimates the noise of every output component of f at x with ECnoise along one random direction through all the
 * buffers (each entry scaled by max(|x|, 1), displacements on the format's grid). The buffers are moved in place and
 * restored exactly. Components whose table shows a trend are retried with a smaller spacing.
 */
export function estimateNoise(evaluate: EvaluateAt, buffers: readonly Float64Array[], f0: Float64Array, random: Rng, options: NoiseOptions = {}): NoiseProfile {
  const precision = options.precision ?? FLOAT64;
  const nf = options.points ?? 9;
  const attempts = options.attempts ?? 3;
  let spacing = options.spacing ?? (precision.name === 'float32' ? 2 ** -13 : 2 ** -26);
  const origin = buffers.map((b) => Float64Array.from(b));
  let norm = 0;
  const direction = buffers.map((b) => {
    const p = gaussianVector(random, b.length);
    for (const v of p) norm += v * v;
    return p;
  });
  norm = Math.sqrt(norm) || 1;
  const m = f0.length;
  const sigma = new Float64Array(m);
  const inform = new Uint8Array(m).fill(3);
  const scale = new Float64Array(m);
  // Upper-side fallback for components whose table never settles: the smallest bound seen over the attempts.
  const bound = new Float64Array(m).fill(Infinity);
  let pending = Array.from({ length: m }, (_, i) => i);
  let evaluations = 0;
  const centre = (nf - 1) >> 1;
  for (let attempt = 0; attempt < attempts && pending.length > 0; attempt++) {
    const delta = origin.map((o, b) => o.map((x, j) => onGrid(x, (spacing * Math.max(Math.abs(x), 1) * direction[b][j]) / norm, precision)));
    const table: Float64Array[] = [];
    try {
      for (let s = 0; s < nf; s++) {
        if (s === centre) {
          table.push(f0);
          continue;
        }
        buffers.forEach((buf, b) => {
          for (let j = 0; j < buf.length; j++) buf[j] = precision.round(origin[b][j] + (s - centre) * delta[b][j]);
        });
        table.push(evaluate());
        evaluations++;
      }
    } finally {
      buffers.forEach((buf, b) => buf.set(origin[b]));
    }
    for (const row of table) for (let i = 0; i < m; i++) scale[i] = Math.max(scale[i], Math.abs(row[i]));
    const column = new Float64Array(nf);
    let tooSmall = 0;
    const still: number[] = [];
    for (const i of pending) {
      for (let s = 0; s < nf; s++) column[s] = table[s][i];
      const r = ecnoise(column);
      inform[i] = r.inform;
      sigma[i] = r.sigma;
      if (r.bound > 0) bound[i] = Math.min(bound[i], r.bound);
      if (r.inform === 1) continue;
      still.push(i);
      if (r.inform === 2) tooSmall++;
    }
    pending = still;
    // Another attempt pays off when a good share of the outputs saw a trend, not noise (the spacing is too large
    // for f as a whole); a few stragglers keep their upper-side bound. The spacing never grows: where f does not
    // move at all over a line that already reaches the finest finite-difference rung, there is no noise to see, and
    // a longer line would only meet kinks and curvature near x.
    if (pending.length * 4 < m || tooSmall * 2 >= still.length) break;
    spacing /= 64;
  }
  for (const i of pending) if (Number.isFinite(bound[i])) sigma[i] = bound[i];
  return { sigma, inform, evaluations, scale };
}

/** How the noise of f is read off a least-squares fit along a line. */
export interface FitNoiseOptions {
  /** The reach of the line, relative to each entry's scale max(|x|, 1): the finite-difference step. @defaultValue 2^-13 */
  span?: number;
  /** Points on the line besides x. @defaultValue 12 */
  points?: number;
  /** Degree of the polynomial fitted in the line parameter. @defaultValue 4 */
  degree?: number;
  /** The format f computes in. @defaultValue float64 */
  precision?: PrecisionModel;
}

/**
 * The noise σ of every output of f at x, read off the residuals of a least-squares polynomial fit along one random
 * line: every entry moves (by ±[1/4, 1] of span·max(|x|, 1), so f crosses as many steps of its rounding grid as the
 * finite-difference stencil does), at random offsets in [−1, 1]. Equally spaced points (ECnoise's difference table)
 * can see rounding as a smooth ramp where f moves by a near-whole number of grid steps per point; random offsets
 * cannot. σ² = residual sum of squares / (points + 1 − degree − 1). The buffers are moved in place and restored.
 */
export function fitNoise(evaluate: EvaluateAt, buffers: readonly Float64Array[], f0: Float64Array, random: Rng, options: FitNoiseOptions = {}): NoiseProfile {
  const precision = options.precision ?? FLOAT64;
  const span = options.span ?? 2 ** -13;
  const points = options.points ?? 12;
  const degree = options.degree ?? 4;
  const origin = buffers.map((b) => Float64Array.from(b));
  const direction = randomLine(origin, span, random);
  const t: number[] = [0];
  const values: Float64Array[] = [f0];
  try {
    for (let p = 0; p < points; p++) {
      const tp = 2 * random.uniform() - 1;
      buffers.forEach((buf, b) => {
        for (let j = 0; j < buf.length; j++) buf[j] = precision.round(origin[b][j] + tp * direction[b][j]);
      });
      t.push(tp);
      values.push(evaluate());
    }
  } finally {
    buffers.forEach((buf, b) => buf.set(origin[b]));
  }
  // An orthonormal basis of the polynomials of degree ≤ `degree` sampled at t (modified Gram–Schmidt).
  const basis: Float64Array[] = [];
  for (let d = 0; d <= degree; d++) {
    const q = Float64Array.from(t, (v) => v ** d);
    for (const e of basis) {
      let dot = 0;
      for (let p = 0; p < q.length; p++) dot += e[p] * q[p];
      for (let p = 0; p < q.length; p++) q[p] -= dot * e[p];
    }
    let norm = 0;
    for (const v of q) norm += v * v;
    norm = Math.sqrt(norm);
    for (let p = 0; p < q.length; p++) q[p] /= norm;
    basis.push(q);
  }
  const m = f0.length;
  const sigma = new Float64Array(m);
  const scale = new Float64Array(m);
  for (const row of values) for (let i = 0; i < m; i++) scale[i] = Math.max(scale[i], Math.abs(row[i]));
  const flat = new Uint8Array(m);
  for (let i = 0; i < m; i++) flat[i] = values.every((row) => row[i] === f0[i]) ? 1 : 0;
  const r = new Float64Array(t.length);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < t.length; p++) r[p] = values[p][i] - f0[i];
    for (const e of basis) {
      let dot = 0;
      for (let p = 0; p < r.length; p++) dot += e[p] * r[p];
      for (let p = 0; p < r.length; p++) r[p] -= dot * e[p];
    }
    let rss = 0;
    for (const v of r) rss += v * v;
    sigma[i] = Math.sqrt(rss / (t.length - basis.length));
  }
  return { sigma, inform: new Uint8Array(m).fill(1), evaluations: points, scale, flat };
}
