import type { Evaluate } from './jacobian.js';
import { FLOAT64_BASE_STEP } from './step.js';

/** Probe lines, each in its own pseudo-random direction (a function constant along one line, as softmax is along (1, …, 1), shows nothing there). */
const LINES = 2;

/** Points on each line besides x itself. */
const POINTS_PER_LINE = 10;

/** Function evaluations the directional noise probe spends (besides f(x)). */
export const DIRECTION_NOISE_EVALUATIONS = LINES * POINTS_PER_LINE;

/** Degree of the polynomial fitted along the probe line; what it leaves is noise. */
const FIT_DEGREE = 4;

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32): the same input gives the same probe, so runs replay. */
function uniforms(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An orthonormal basis (modified Gram–Schmidt) of the polynomials of degree ≤ FIT_DEGREE sampled at t. */
function polynomialBasis(t: readonly number[]): Float64Array[] {
  const basis: Float64Array[] = [];
  for (let deg = 0; deg <= FIT_DEGREE; deg++) {
    const q = Float64Array.from(t, (v) => v ** deg);
    for (const b of basis) {
      let dot = 0;
      for (let p = 0; p < q.length; p++) dot += b[p] * q[p];
      for (let p = 0; p < q.length; p++) q[p] -= dot * b[p];
    }
    let norm = 0;
    for (const v of q) norm += v * v;
    norm = Math.sqrt(norm);
    for (let p = 0; p < q.length; p++) q[p] /= norm;
    basis.push(q);
  }
  return basis;
}

/**
 * Noise level σ of each output of f near x: f along two pseudo-random lines that each move every entry of every
 * buffer at once, at pseudo-random offsets t ∈ [−1, 1] (in units of `span` times each entry's scale max(|x_j|, 1), the reach of
 * the finite-difference stencil), less its least-squares quartic in t, leaves the rounding noise:
 * σ² = residual sum of squares / (points − 5), the larger of the two lines.
 * The line reaches as far as the stencil, so f moves across as many steps of its rounding grid as the stencil sees;
 * the random offsets make that rounding look like the noise it is, where equally spaced points see a smooth ramp
 * whenever f moves by a near-whole number of grid steps per step (the stencil's own fourth differences then read 0
 * while its slope is off by a fraction of a grid step). It also sees noise in an output that one input barely moves but
 * another does. Where f curves strongly over the stencil, what the quartic leaves adds to σ: the estimate errs on the
 * safe side. The buffers are perturbed in place and restored exactly.
 */
export function directionalNoise(
  evaluate: Evaluate,
  buffers: readonly Float64Array[],
  f0: Float64Array,
  span: number = FLOAT64_BASE_STEP,
): { noise: Float64Array; evaluations: number } {
  const rows = f0.length;
  const noise = new Float64Array(rows);
  const size = buffers.reduce((s, b) => s + b.length, 0);
  if (size === 0 || rows === 0) return { noise, evaluations: 0 };
  const saved = buffers.map((b) => Float64Array.from(b));
  const next = uniforms(0x9e3779b9 ^ size);
  for (let line = 0; line < LINES; line++) {
    // Direction entries in ±[1/4, 1]: every entry moves, none by much more than another.
    const v = saved.map((b) =>
      Float64Array.from(b, () => {
        const u = next();
        return u < 0.5 ? -0.25 - 1.5 * u : 0.25 + 1.5 * (u - 0.5);
      }),
    );
    const t = [0];
    const values: Float64Array[] = [f0];
    try {
      for (let p = 0; p < POINTS_PER_LINE; p++) {
        const tp = 2 * next() - 1; // in [−1, 1)
        buffers.forEach((b, m) => {
          for (let j = 0; j < b.length; j++) b[j] = saved[m][j] + tp * span * v[m][j] * Math.max(Math.abs(saved[m][j]), 1);
        });
        t.push(tp);
        values.push(evaluate());
      }
    } finally {
      buffers.forEach((b, m) => b.set(saved[m]));
    }
    const basis = polynomialBasis(t);
    const r = new Float64Array(t.length);
    for (let i = 0; i < rows; i++) {
      for (let p = 0; p < t.length; p++) r[p] = values[p][i] - f0[i];
      for (const q of basis) {
        let dot = 0;
        for (let p = 0; p < r.length; p++) dot += q[p] * r[p];
        for (let p = 0; p < r.length; p++) r[p] -= dot * q[p];
      }
      let rss = 0;
      for (const e of r) rss += e * e;
      noise[i] = Math.max(noise[i], Math.sqrt(rss / (t.length - basis.length)));
    }
  }
  return { noise, evaluations: DIRECTION_NOISE_EVALUATIONS };
}
