/** Base relative step for the two-level Richardson stencil in float64 (2^-13 ≈ 1.2e-4). */
export const FLOAT64_BASE_STEP = 2 ** -13;

/**
 * Relative step of the two-point difference that decides plainly right columns in float64 (2^-15 ≈ 3.1e-5): its
 * truncation h²·|f'''|/6 is 16× smaller than at 2^-13, and its noise term 3σ/(√2·h) about that of the five-point
 * Richardson value at 2^-13 (3 · 1.9 · σ/h).
 */
export const FLOAT64_TWO_POINT_STEP = 2 ** -15;

/** Base relative step in float32, where rounding noise is 2^29 times larger (2^-5 ≈ 0.031). */
export const FLOAT32_BASE_STEP = 2 ** -5;

/** The step for an entry of value x: base times the entry's own scale (at least 1). */
export function stepFor(x: number, base: number = FLOAT64_BASE_STEP): number {
  const scale = Math.max(Math.abs(x), 1);
  return base * scale;
}

/** The points x+h and x−h as stored in floating point, and the exact distance between them. */
export function stencilPoints(x: number, h: number): { plus: number; minus: number; width: number } {
  const plus = x + h;
  const minus = x - h;
  return { plus, minus, width: plus - minus };
}

/**
 * The base relative step for a measured noise level σ_rel = (noise of f) / (scale of f): the step that balances the
 * truncation estimate of the Richardson stencil, h²·|f'''|/24, against its noise term, 5.7·σ/h, when |f'''| is of
 * the order of |f| (h = 1.5·(68·σ_rel)^(1/3)), rounded to a power of two and clamped to [min, max].
 */
export function stepFromNoise(relativeNoise: number, min: number, max: number): number {
  if (!(relativeNoise > 0)) return min;
  const h = 1.5 * Math.cbrt(68 * relativeNoise);
  const p = 2 ** Math.round(Math.log2(h));
  return Math.min(max, Math.max(min, p));
}
