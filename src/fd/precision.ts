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

// The exponent of a double, read from its bits (the word holding sign and exponent is the second on little-endian).
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
const HIGH_WORD = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1 ? 1 : 0;

/** The spacing of numbers of the given format at v (the unit in the last place). */
export function ulp(v: number, p: PrecisionModel = FLOAT64): number {
  const a = Math.abs(v);
  if (!(a >= p.tiny)) return p.tiny * p.epsilon;
  if (a === Infinity) return Infinity;
  // a is a normal double here: its unbiased exponent is ⌊log2 a⌋ exactly.
  bits[0] = a;
  const k = ((words[HIGH_WORD] >>> 20) & 0x7ff) - 1023 - (p.significandBits - 1);
  if (k < -1022) return 2 ** k; // subnormal
  // 2^k, written as bits: exponent field k + 1023, significand 0.
  words[HIGH_WORD] = (k + 1023) << 20;
  words[1 - HIGH_WORD] = 0;
  return bits[0];
}

/**
 * A displacement rounded to a whole number of ulps of the larger of |x| and |d|, so that x + k·d lands on the
 * format's grid (exactly, unless it crosses into a coarser binade).
 */
export function onGrid(x: number, d: number, p: PrecisionModel = FLOAT64): number {
  const u = ulp(Math.max(Math.abs(x), Math.abs(d)), p);
  return Math.round(d / u) * u;
}
