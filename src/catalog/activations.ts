// Scalar activation functions of the source document's Examples 2 and 5, computed without overflow.

/** The logistic sigmoid 1 / (1 + e^−x), without overflow for large |x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** softplus(x) = log(1 + e^x), without overflow for large x. */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** ReLU(x) = max(x, 0). */
export function relu(x: number): number {
  return x > 0 ? x : 0;
}

/** ReLU'(x): 1 where x > 0, 0 where x < 0 (undefined at 0; 0 is used there). */
export function reluPrime(x: number): number {
  return x > 0 ? 1 : 0;
}
