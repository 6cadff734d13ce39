/** The floating-point format a function computes in, as finite differences need it. */
export interface PrecisionModel {
  name: 'float64' | 'float32';
  /** Machine epsilon: the spacing of numbers just above 1. */
  epsilon: number;
  /** Smallest positive normal number. */
  tiny: number;
  /** Rounds a double to the nearest number of this format. */
  round: (v: number) => number;
  /** Bits in the significand (53 or 24). */
  significandBits: number;
}

/** IEEE double precision. */
export const FLOAT64: PrecisionModel = { name: 'float64', epsilon: 2 ** -52, tiny: 2 ** -1022, round: (v) => v, significandBits: 53 };

/** IEEE single precision (Float32Array, Math.fround, WebGL and TF.js). */
export const FLOAT32: PrecisionModel = { name: 'float32', epsilon: 2 ** -23, tiny: 2 ** -126, round: Math.fround, significandBits: 24 };

/** The model of a precision by name. */
export function precisionModel(name: 'float64' | 'float32'): PrecisionModel {
  return name === 'float32' ? FLOAT32 : FLOAT64;
}

/** The spacing of numbers of the given format at v (the unit in the last place). */
export function ulp(v: number, p: PrecisionModel = FLOAT64): number {
  const a = Math.abs(v);
  if (!(a >= p.tiny)) return p.tiny * p.epsilon;
  let e = Math.floor(Math.log2(a));
  // log2 can be off by one next to a power of two.
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  return 2 ** (e - (p.significandBits - 1));
}

/**
 * A displacement rounded to a whole number of ulps of the larger of |x| and |d|, so that x + k·d lands on the
 * format's grid (exactly, unless it crosses into a coarser binade).
 */
export function onGrid(x: number, d: number, p: PrecisionModel = FLOAT64): number {
  const u = ulp(Math.max(Math.abs(x), Math.abs(d)), p);
  return Math.round(d / u) * u;
}
