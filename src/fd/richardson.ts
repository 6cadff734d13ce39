/** A derivative estimate with an estimate of its own error. */
export interface Estimate {
  value: number;
  /** Estimated truncation error of `value` (an upper-bound style estimate). */
  error: number;
}

/**
 * Richardson extrapolation of two central differences, at step h (coarse) and h/ratio (fine):
 * removes the h² term and estimates the remaining error from their disagreement.
 */
export function richardson(coarse: number, fine: number, ratio = 2): Estimate {
  const r2 = ratio * ratio;
  const correction = (fine - coarse) / (r2 - 1);
  return { value: fine + correction, error: Math.abs(correction) };
}
