/** γ_k = (k!)² / (2k)!: turns the mean square of k-th differences of pure noise into its variance. */
export function noiseGamma(k: number): number {
  let num = 1;
  for (let i = 2; i <= k; i++) num *= i;
  let den = 1;
  for (let i = 2; i <= 2 * k; i++) den *= i;
  return (num * num) / den;
}

/** Fourth difference of five equally spaced values f(x−2s), f(x−s), f(x), f(x+s), f(x+2s). */
export function fourthDifference(m2: number, m1: number, f0: number, p1: number, p2: number): number {
  return m2 - 4 * m1 + 6 * f0 - 4 * p1 + p2;
}

/**
 * Noise level σ of computed values of f from samples of k-th differences:
 * σ² ≈ γ_k · mean(Δᵏf)² (Moré & Wild's ECnoise estimator).
 */
export function noiseFromDifferences(differences: ArrayLike<number>, k: number): number {
  if (differences.length === 0) return 0;
  let s = 0;
  for (let i = 0; i < differences.length; i++) s += differences[i] * differences[i];
  return Math.sqrt((noiseGamma(k) * s) / differences.length);
}
