import { FLOAT64, type PrecisionModel } from './precision.js';
import type { Rng } from './random.js';

/**
 * A random line through x for the noise estimates: every entry moves by ±[1/4, 1] of span·max(|x|, 1), so f crosses
 * as many steps of its rounding grid as the finite-difference stencil does (signs and sizes drawn independently).
 */
export function randomLine(origin: readonly Float64Array[], span: number, random: Rng): Float64Array[] {
  return origin.map((o) =>
    o.map((x) => {
      const u = random.uniform();
      return (u < 0.5 ? -1 : 1) * (0.25 + 1.5 * Math.abs(u - 0.5)) * span * Math.max(Math.abs(x), 1);
    }),
  );
}

/** How the rounding step of a flat output is looked for. */
export interface StaircaseOptions {
  /** The reach of the line at t = 1, relative to each entry's scale max(|x|, 1): the finite-difference step. */
  span: number;
  /** The outputs that did not move at all on a line of that reach (the only ones looked at). */
  rows: readonly number[];
  /** The format f computes in. @defaultValue float64 */
  precision?: PrecisionModel;
  /** Doublings of the reach walked before giving up. @defaultValue 10 */
  doublings?: number;
  /** Halvings of [H/2, H] that close in on where an output first moves. @defaultValue 12 */
  halvings?: number;
  /** Most outputs whose first move is closed in on. @defaultValue 8 */
  maxRows?: number;
}

/** What the walk found, per output. */
export interface Staircase {
  /** The rounding step of each output that moves in steps (0 elsewhere). */
  step: Float64Array;
  /** The distance (in reaches) at which each such output first moved (0 elsewhere). */
  distance: Float64Array;
  /** Function evaluations spent. */
  evaluations: number;
}

/**
 * A step of the output's rounding is at most this many units of roundoff of its values, or of 1: the cases it is
 * for (−log p with p rounded to 1, a small rate added to 1) step by one or two ulps of 1; anything coarser is a
 * real step of f (1000 + 0.02·floor(x/0.25) in float32 is 330 ulps of 1000).
 */
export const STAIRCASE_ROUNDINGS = 4;

/** Widths of the closed-in interval past the jump over which a rounded output must stay put. */
const FLAT_RUN = 8;

/**
 * The rounding step of outputs that do not move at all within the finite-difference reach of x (−log p with p
 * rounded to 1, a small term added to a large one): walks a random line at doubling distances until such an output
 * moves, closes in on the point t* where it first moves (to 2^-12 of the distance), and looks just past it. A
 * rounded output jumps there by a whole step and then stays put for a while (the smooth value underneath needs time
 * to cross the next step); an output that is flat because f truly does not depend on x near it (a dead ReLU) rises
 * continuously from its kink and keeps moving. A jump larger than STAIRCASE_ROUNDINGS roundings of the output's
 * values (or of 1, the size of the intermediates such rounding comes from: −log p with p near 1) is not rounding
 * (floor(x), a small step of f) and is not reported. `evaluate` returns undefined where f cannot be
 * evaluated (the walk stops there). The buffers are moved in place and restored.
 */
export function staircase(
  evaluate: () => Float64Array | undefined,
  buffers: readonly Float64Array[],
  f0: Float64Array,
  random: Rng,
  options: StaircaseOptions,
): Staircase {
  const precision = options.precision ?? FLOAT64;
  const doublings = options.doublings ?? 10;
  const halvings = options.halvings ?? 12;
  const maxRows = options.maxRows ?? 8;
  const m = f0.length;
  const step = new Float64Array(m);
  const distance = new Float64Array(m);
  const origin = buffers.map((b) => Float64Array.from(b));
  const direction = randomLine(origin, options.span, random);
  let evaluations = 0;
  const at = (t: number): Float64Array | undefined => {
    buffers.forEach((buf, b) => {
      for (let j = 0; j < buf.length; j++) buf[j] = precision.round(origin[b][j] + t * direction[b][j]);
    });
    evaluations++;
    return evaluate();
  };
  try {
    // The first doubling at which each output moved. This line is not the one that found the output flat: one that
    // already moves at the stencil's reach (t = 1) here is not walked (the search below needs it still at h/2).
    const moved = new Map<number, number>();
    let pending = options.rows.filter((i) => i >= 0 && i < m);
    for (let k = 0; k <= doublings && pending.length > 0; k++) {
      const t = 2 ** k;
      const out = at(t);
      if (!out) break;
      pending = pending.filter((i) => {
        if (out[i] === f0[i]) return true;
        if (k > 0) moved.set(i, t);
        return false;
      });
    }
    for (const [i, h] of [...moved].slice(0, maxRows)) {
      // Still at h/2, moved at h: close in on the first move.
      let lo = h / 2;
      let hi = h;
      let past: number | undefined;
      for (let k = 0; k < halvings; k++) {
        const mid = (lo + hi) / 2;
        const out = at(mid);
        if (!out) break;
        if (out[i] === f0[i]) lo = mid;
        else {
          hi = mid;
          past = out[i];
        }
      }
      const width = hi - lo;
      past ??= at(hi)?.[i];
      if (past === undefined || !(hi - lo < h * 2 ** -(halvings - 1))) continue;
      // A rounded output stays at its new value for FLAT_RUN widths past the jump.
      let flat = true;
      for (const k of [1, 2, 4, FLAT_RUN]) {
        const out = at(hi + k * width);
        if (!out || out[i] !== past) {
          flat = false;
          break;
        }
      }
      const q = Math.abs(past - f0[i]);
      // Rounding of the output itself or of an intermediate of order 1 (a probability, a normalized value); not of
      // the inputs, whose size says nothing about this output (a large input beside it would excuse a real step).
      const scale = Math.max(1, Math.abs(past), Math.abs(f0[i]));
      if (flat && q > 0 && q <= STAIRCASE_ROUNDINGS * precision.epsilon * scale) {
        step[i] = q;
        distance[i] = hi;
      }
    }
  } finally {
    buffers.forEach((buf, b) => buf.set(origin[b]));
  }
  return { step, distance, evaluations };
}
