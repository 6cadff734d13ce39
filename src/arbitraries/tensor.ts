import fc from 'fast-check';
import { sizeOf, tensor, type Tensor } from '../tensor/index.js';

/** Constraints on generated values. */
export interface ValueConstraints {
  /** Smallest value. @defaultValue -3 */
  min?: number;
  /** Largest value. @defaultValue 3 */
  max?: number;
  /** Keep every value at least this far from each of these points (kinks such as ReLU's 0). @defaultValue none */
  awayFrom?: readonly number[];
  /** Minimum distance from the `awayFrom` points. @defaultValue 1e-3 */
  margin?: number;
}

/** Grid points of the evenly spread values: 2^30 steps over the range. */
const SPREAD_STEPS = 2 ** 30;

/** Doubles spread evenly over [min, max] (a grid of 2^30 steps, without fast-check's bias to small ones) that shrink toward 0, or toward the bound nearest 0. */
function spread(min: number, max: number): fc.Arbitrary<number> {
  if (min === max) return fc.constant(min);
  if (min <= 0 && max >= 0) {
    const step = Math.max(-min, max) / SPREAD_STEPS;
    return fc.noBias(fc.integer({ min: Math.ceil(min / step), max: Math.floor(max / step) })).map((k) => Math.min(max, Math.max(min, k * step)));
  }
  const [near, far] = min > 0 ? [min, max] : [max, min];
  return fc.noBias(fc.integer({ min: 0, max: SPREAD_STEPS })).map((k) => near + (far - near) * (k / SPREAD_STEPS));
}

/**
 * A double in [min, max] with no NaN or Infinity, with six significant digits (0 below 1e-6 in magnitude),
 * optionally kept away from kinks. Spread evenly over the range in 15 draws of 16; the 16th is fc.double, mostly 0
 * after rounding. (fc.double alone draws evenly over the bit patterns: two thirds of its values in [−3, 3] are below
 * 1e-100 in magnitude, where products underflow and a finite-difference check has nothing left to measure.)
 */
export function value(constraints: ValueConstraints = {}): fc.Arbitrary<number> {
  const min = constraints.min ?? -3;
  const max = constraints.max ?? 3;
  if (!(min <= max)) throw new RangeError(`gradproof value: min ${min} > max ${max}`);
  // Readable values: six significant digits, and magnitudes below 1e-6 (subnormals, 5e-324, which fast-check
  // favours while shrinking) become 0 — finite differences cannot resolve them, and reports stay legible.
  const base = fc
    .oneof({ arbitrary: spread(min, max), weight: 15 }, { arbitrary: fc.double({ min, max, noNaN: true, noDefaultInfinity: true }), weight: 1 })
    .map((v) => (Math.abs(v) < 1e-6 ? 0 : Math.min(max, Math.max(min, Number(v.toPrecision(6))))));
  const away = constraints.awayFrom;
  if (!away || away.length === 0) return base;
  const margin = constraints.margin ?? 1e-3;
  return base.map((v) => {
    for (const k of away) {
      if (Math.abs(v - k) < margin) {
        const pushed = v >= k ? k + margin : k - margin;
        return pushed > max ? k - margin : pushed < min ? k + margin : pushed;
      }
    }
    return v;
  });
}

/** A tensor of a fixed shape with values from `value(constraints)`. */
export function tensorOf(shape: readonly number[], constraints: ValueConstraints = {}): fc.Arbitrary<Tensor> {
  const n = sizeOf(shape);
  return fc.array(value(constraints), { minLength: n, maxLength: n }).map((xs) => tensor(shape, xs));
}

/** A one-hot vector of length n (a label, held constant in checks). */
export function oneHot(n: number): fc.Arbitrary<Tensor> {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`gradproof oneHot: length ${n} must be a positive integer`);
  return fc.nat({ max: n - 1 }).map((k) => {
    const t = tensor([n], new Float64Array(n));
    t.data[k] = 1;
    return t;
  });
}

/** A dimension drawn from an inclusive integer range; shrinks toward min. */
export function dim(min: number, max: number): fc.Arbitrary<number> {
  if (!(Number.isInteger(min) && Number.isInteger(max) && min >= 0 && min <= max)) {
    throw new RangeError(`gradproof dim: range [${min}, ${max}] must be whole numbers with 0 ≤ min ≤ max`);
  }
  return fc.integer({ min, max });
}

/** Named dimensions drawn together, e.g. dims({ m: [1, 8], n: [1, 8] }). */
export function dims<K extends string>(ranges: Record<K, readonly [number, number]>): fc.Arbitrary<Record<K, number>> {
  const rec = {} as Record<K, fc.Arbitrary<number>>;
  for (const k of Object.keys(ranges) as K[]) rec[k] = dim(ranges[k][0], ranges[k][1]);
  return fc.record(rec) as fc.Arbitrary<Record<K, number>>;
}
