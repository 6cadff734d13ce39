import { NOISE_SIGMAS, RICHARDSON_NOISE, TWO_POINT_KINK_FRACTION, ladderEstimate, type Evaluate, type RefinedEntry } from './jacobian.js';
import { FLOAT64, onGrid, type PrecisionModel } from './precision.js';
import { richardson } from './richardson.js';

/** A finite-difference directional derivative J·w of every output of f, with a per-output error estimate. */
export interface DirectionalDerivative {
  /** Richardson estimate of (J·w)_i for each output i. */
  value: Float64Array;
  /** Estimated error of each value: truncation plus NOISE_SIGMAS times the rounding noise. */
  error: Float64Array;
  /** 1 where the one-sided differences along the line disagree enough to suspect a kink within the stencil. */
  kinkSuspect: Uint8Array;
  /**
   * The tangent w the estimate is the derivative along, per buffer: the requested direction as the stored stencil
   * points realise it (rounded to the format's grid), so the analytic side can be evaluated on exactly the same w.
   */
  tangent: Float64Array[];
  /** Squared fourth difference of each output along the line (noise evidence). */
  d4sq: Float64Array;
  /** The truncation part of each error; the rest is noiseFactor · max(σ_i, ε·scale_i). */
  truncation: Float64Array;
  /** How the noise σ of an output enters its error. */
  noiseFactor: number;
  /** The largest |f| of each output over the stencil points and x. */
  scale: Float64Array;
  /** The kink screen's inputs per output: one-sided gap at t/2, how fast the sides converge, the larger slope. */
  gap: Float64Array;
  smooth: Float64Array;
  slope: Float64Array;
  /** The step t along the direction. */
  t: number;
  /** Function evaluations spent (4). */
  evaluations: number;
}

/** How a directional derivative is taken. */
export interface DirectionalOptions {
  /** The format f computes in (stencil points are rounded to it). @defaultValue float64 */
  precision?: PrecisionModel;
  /**
   * The noise σ per output that the kink screen holds one-sided gaps against; a noise estimate that a kink near x
   * inflated would hide the kink. @defaultValue the `noise` argument
   */
  kinkNoise?: ArrayLike<number>;
}

/**
 * The derivative of f along a direction d through several input buffers at once, d/dt f(x + t·d) at t = 0: central
 * differences at steps t and t/2 combined by Richardson extrapolation (4 evaluations, whatever the number of inputs).
 * The buffers are moved in place and restored exactly. `noise` is the noise σ of each output of f.
 */
export function directionalDerivative(
  evaluate: Evaluate,
  buffers: readonly Float64Array[],
  direction: readonly Float64Array[],
  t: number,
  f0: Float64Array,
  noise: ArrayLike<number>,
  options: DirectionalOptions = {},
): DirectionalDerivative {
  const precision = options.precision ?? FLOAT64;
  const round = precision.name === 'float64' ? undefined : precision.round;
  const origin = buffers.map((b) => b.slice());
  // The points x + s·q for s = 2, −2, 1, −1, with half displacements q on the grid, so that x ± q and x ± 2q are
  // (nearly always) exact.
  const points = [0, 1, 2, 3].map(() => origin.map((o) => new Float64Array(o.length)));
  origin.forEach((o, b) => {
    const dir = direction[b];
    const [p2, m2, p1, m1] = points.map((p) => p[b]);
    for (let j = 0; j < o.length; j++) {
      const x = o[j];
      const q = displacementOnGrid(x, (t * dir[j]) / 2, precision);
      p2[j] = x + 2 * q;
      m2[j] = x - 2 * q;
      p1[j] = x + q;
      m1[j] = x - q;
      if (round) {
        p2[j] = round(p2[j]);
        m2[j] = round(m2[j]);
        p1[j] = round(p1[j]);
        m1[j] = round(m1[j]);
      }
    }
  });
  const values: Float64Array[] = [];
  try {
    for (const p of points) {
      buffers.forEach((buf, b) => buf.set(p[b]));
      values.push(evaluate());
    }
  } finally {
    buffers.forEach((buf, b) => buf.set(origin[b]));
  }
  const [fp2, fm2, fp1, fm1] = values;
  // w = (4·(Δ₊½ − Δ₋½)/t − (Δ₊₁ − Δ₋₁)/(2t)) / 3, the tangent of the Richardson combination of the stored points.
  const tangent = origin.map((o, b) => {
    const [p2, m2, p1, m1] = points.map((p) => p[b]);
    const w = new Float64Array(o.length);
    for (let j = 0; j < o.length; j++) w[j] = (4 * ((p1[j] - m1[j]) / t) - (p2[j] - m2[j]) / (2 * t)) / 3;
    return w;
  });
  const m = f0.length;
  const value = new Float64Array(m);
  const error = new Float64Array(m);
  const kinkSuspect = new Uint8Array(m);
  const d4sq = new Float64Array(m);
  const truncation = new Float64Array(m);
  const scales = new Float64Array(m);
  const gaps = new Float64Array(m);
  const smooths = new Float64Array(m);
  const slopes = new Float64Array(m);
  const noiseFactor = (NOISE_SIGMAS * RICHARDSON_NOISE) / t;
  for (let i = 0; i < m; i++) {
    const coarse = (fp2[i] - fm2[i]) / (2 * t);
    const fine = (fp1[i] - fm1[i]) / t;
    const r = richardson(coarse, fine, 2);
    value[i] = r.value;
    // Rounding noise scales with the values themselves: far along the line f can be much larger than at x.
    const scale = Math.max(Math.abs(fp2[i]), Math.abs(fm2[i]), Math.abs(fp1[i]), Math.abs(fm1[i]), Math.abs(f0[i]));
    const sigma = Math.max(noise[i], precision.epsilon * scale);
    const screen = Math.max(options.kinkNoise?.[i] ?? noise[i], precision.epsilon * scale);
    error[i] = r.error + noiseFactor * sigma;
    truncation[i] = r.error;
    scales[i] = scale;
    const fwd2 = (fp2[i] - f0[i]) / t;
    const bwd2 = (f0[i] - fm2[i]) / t;
    const fwd1 = (fp1[i] - f0[i]) / (t / 2);
    const bwd1 = (f0[i] - fm1[i]) / (t / 2);
    gaps[i] = Math.abs(fwd1 - bwd1);
    smooths[i] = Math.abs(fwd2 - fwd1) + Math.abs(bwd2 - bwd1);
    slopes[i] = Math.max(Math.abs(fwd1), Math.abs(bwd1));
    kinkSuspect[i] = kinkScreen(gaps[i], smooths[i], slopes[i], screen, t);
    const d4 = fm2[i] - 4 * fm1[i] + 6 * f0[i] - 4 * fp1[i] + fp2[i];
    d4sq[i] = d4 * d4;
  }
  return { value, error, kinkSuspect, tangent, d4sq, truncation, noiseFactor, scale: scales, gap: gaps, smooth: smooths, slope: slopes, t, evaluations: 4 };
}

/**
 * The kink screen along a line: the one-sided gap at t/2 stands above how fast the sides converge plus 20 rounding
 * noises (σ = `screen`) over the step, and above TWO_POINT_KINK_FRACTION of the slope (a gap of rounding in a sum
 * that cancels can clear the floor; a kink worth the name also stands out against the slope, as fdJacobian's
 * two-point screen asks).
 */
function kinkScreen(gap: number, smooth: number, slope: number, screen: number, t: number): 0 | 1 {
  return gap > 1.5 * smooth + 20 * (screen / t) && gap > TWO_POINT_KINK_FRACTION * slope ? 1 : 0;
}

/** Screens a directional derivative for kinks again, against the noise σ per output now known (`screen`). */
export function rescreenKinks(dd: DirectionalDerivative, screen: ArrayLike<number>, epsilon: number): void {
  for (let i = 0; i < dd.value.length; i++) {
    dd.kinkSuspect[i] = kinkScreen(dd.gap[i], dd.smooth[i], dd.slope[i], Math.max(screen[i], epsilon * dd.scale[i]), dd.t);
  }
}

/**
 * Re-examines the derivative along a direction d on a ladder of steps t, t/4, t/16, t/64 (8 evaluations), per output
 * row, as refineColumn does for one input entry: whether f has a kink at x along d, whether the coarser stencils
 * straddle a kink near x, and a Richardson estimate of (J·d)_i from the smooth rungs. The buffers are restored exactly.
 */
export function refineAlong(
  evaluate: Evaluate,
  buffers: readonly Float64Array[],
  direction: readonly Float64Array[],
  t: number,
  f0: Float64Array,
  rows: readonly number[],
  noise: ArrayLike<number>,
  kinkNoise: ArrayLike<number>,
  options: DirectionalOptions = {},
): { entries: RefinedEntry[]; evaluations: number } {
  const precision = options.precision ?? FLOAT64;
  const origin = buffers.map((b) => Float64Array.from(b));
  const levels = [t, t / 4, t / 16, t / 64];
  const diffs = rows.map(() => [] as number[]);
  const gaps = rows.map(() => [] as number[]);
  const scales = rows.map(() => [] as number[]);
  try {
    for (const s of levels) {
      const at = (sign: number): Float64Array => {
        buffers.forEach((buf, b) => {
          for (let j = 0; j < buf.length; j++) buf[j] = precision.round(origin[b][j] + sign * s * direction[b][j]);
        });
        return evaluate();
      };
      const fp = at(1);
      const fm = at(-1);
      rows.forEach((i, r) => {
        diffs[r].push((fp[i] - fm[i]) / (2 * s));
        gaps[r].push(Math.abs(fp[i] - 2 * f0[i] + fm[i]) / s);
        scales[r].push(Math.max(Math.abs(fp[i]), Math.abs(fm[i]), Math.abs(f0[i])));
      });
    }
  } finally {
    buffers.forEach((buf, b) => buf.set(origin[b]));
  }
  const entries = rows.map((i, r): RefinedEntry => ({ row: i, ...ladderEstimate(diffs[r], gaps[r], scales[r], levels, noise[i], kinkNoise[i], precision.epsilon) }));
  return { entries, evaluations: 2 * levels.length };
}

/** A central difference of f along a direction at ±t: the two-point first look of a fast-mode probe. */
export interface TwoPointDirectional {
  /** (f(x₊) − f(x₋)) / (2t) per output, x± = x ± q with q = t·d put on the grid. */
  value: Float64Array;
  /** The tangent the stored points realise, (x₊ − x₋) / (2t), per buffer: the value estimates J times it. */
  tangent: Float64Array[];
  /** The largest |f| of each output over x and the two points. */
  scale: Float64Array;
  /** The kink screen's inputs per output: the one-sided gap |fwd − bwd| and the larger one-sided slope. */
  gap: Float64Array;
  slope: Float64Array;
  /** The step t along the direction. */
  t: number;
  /** Function evaluations spent (2). */
  evaluations: number;
}

/**
 * The derivative of f along d by one central difference at ±t (2 evaluations). The buffers hold x (as `origin`
 * does) on entry and are restored exactly; f must leave each point as it was handed over (else `mutated(b, j)` is
 * thrown): the check is fused with writing the next point, so guarding costs no pass of its own. `into` receives
 * f's two values.
 */
export function twoPointAlong(
  evaluate: (into: Float64Array) => Float64Array,
  buffers: readonly Float64Array[],
  origin: readonly Float64Array[],
  direction: readonly Float64Array[],
  t: number,
  f0: Float64Array,
  into: readonly [Float64Array, Float64Array],
  mutated: (buffer: number, index: number) => Error,
  precision: PrecisionModel = FLOAT64,
): TwoPointDirectional {
  const round = precision.name === 'float64' ? undefined : precision.round;
  // The tangent array holds the grid displacement q until the last pass turns it into (x₊ − x₋) / (2t).
  const tangent = direction.map((d) => new Float64Array(d.length));
  let fp: Float64Array;
  let fm: Float64Array;
  let restored = false;
  try {
    for (let b = 0; b < buffers.length; b++) placePlus(buffers[b], origin[b], direction[b], tangent[b], t, precision);
    fp = evaluate(into[0]);
    for (let b = 0; b < buffers.length; b++) {
      const j = checkAndPlaceMinus(buffers[b], origin[b], tangent[b], round);
      if (j >= 0) throw mutated(b, j);
    }
    fm = evaluate(into[1]);
    for (let b = 0; b < buffers.length; b++) {
      const j = checkAndRestore(buffers[b], origin[b], tangent[b], 1 / (2 * t), round);
      if (j >= 0) throw mutated(b, j);
    }
    restored = true;
  } finally {
    if (!restored) buffers.forEach((buf, b) => buf.set(origin[b]));
  }
  const m = f0.length;
  const value = new Float64Array(m);
  const scale = new Float64Array(m);
  const gap = new Float64Array(m);
  const slope = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const p = fp[i];
    const n = fm[i];
    const f = f0[i];
    value[i] = (p - n) / (2 * t);
    scale[i] = Math.max(Math.abs(p), Math.abs(n), Math.abs(f));
    const fwd = (p - f) / t;
    const bwd = (f - n) / t;
    gap[i] = Math.abs(fwd - bwd);
    slope[i] = Math.max(Math.abs(fwd), Math.abs(bwd));
  }
  return { value, tangent, scale, gap, slope, t, evaluations: 2 };
}

// The passes of twoPointAlong over one buffer, each a plain loop (a closure per entry costs V8 several times the
// loop itself), with the float64 case apart from the rounded one.

/** Whether f changed a value it was handed (a NaN it was handed, and left, is no change). */
function differs(now: number, was: number): boolean {
  return now !== was && (now === now || was === was);
}

/**
 * A displacement q0 of x put on x's grid, so that x ± q and x ± 2q are (nearly always) exact: well inside x's
 * binade in float64, (x + q0) − x is q0 rounded to that grid (exactly, by Sterbenz); otherwise onGrid's rounding.
 */
function displacementOnGrid(x: number, q0: number, precision: PrecisionModel): number {
  if (q0 === 0) return 0;
  return precision.name === 'float64' && Math.abs(q0) <= 0.25 * Math.abs(x) ? x + q0 - x : onGrid(x, q0, precision);
}

/** Puts the grid displacement q of t·d into `q` and x + q into `buf`. */
function placePlus(buf: Float64Array, o: Float64Array, d: Float64Array, q: Float64Array, t: number, precision: PrecisionModel): void {
  if (precision.name === 'float64') {
    for (let j = 0; j < o.length; j++) {
      const x = o[j];
      const qj = displacementOnGrid(x, t * d[j], precision);
      q[j] = qj;
      buf[j] = x + qj;
    }
    return;
  }
  const round = precision.round;
  for (let j = 0; j < o.length; j++) {
    const qj = displacementOnGrid(o[j], t * d[j], precision);
    q[j] = qj;
    buf[j] = round(o[j] + qj);
  }
}

/** Checks that `buf` still holds x + q, writing x − q in its place; the first entry f changed, or −1. */
function checkAndPlaceMinus(buf: Float64Array, o: Float64Array, q: Float64Array, round: ((v: number) => number) | undefined): number {
  if (!round) {
    for (let j = 0; j < o.length; j++) {
      if (differs(buf[j], o[j] + q[j])) return j;
      buf[j] = o[j] - q[j];
    }
    return -1;
  }
  for (let j = 0; j < o.length; j++) {
    if (differs(buf[j], round(o[j] + q[j]))) return j;
    buf[j] = round(o[j] - q[j]);
  }
  return -1;
}

/** Checks that `buf` still holds x − q, turning q into the tangent (x₊ − x₋)·inv and restoring x; as above. */
function checkAndRestore(buf: Float64Array, o: Float64Array, q: Float64Array, inv: number, round: ((v: number) => number) | undefined): number {
  if (!round) {
    for (let j = 0; j < o.length; j++) {
      const x = o[j];
      const m = x - q[j];
      if (differs(buf[j], m)) return j;
      q[j] = (x + q[j] - m) * inv;
      buf[j] = x;
    }
    return -1;
  }
  for (let j = 0; j < o.length; j++) {
    const x = o[j];
    const m = round(x - q[j]);
    if (differs(buf[j], m)) return j;
    q[j] = (round(x + q[j]) - m) * inv;
    buf[j] = x;
  }
  return -1;
}
