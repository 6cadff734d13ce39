/** The error function erf(x), accurate to about 1e-13. */
export function erf(x: number): number {
  if (x < 0) return -erf(-x);
  if (x === 0) return 0;
  if (x >= 6) return 1;
  if (x < 3) {
    // Maclaurin series: 2/√π Σ (−1)ⁿ x^(2n+1) / (n! (2n+1)).
    let term = x;
    let sum = x;
    const x2 = x * x;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc by its continued fraction (Lentz), for 3 ≤ x < 6.
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 200; k++) {
    const a = k / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 - Math.exp(-x * x) / (f * Math.sqrt(Math.PI));
}

/** P(|Z| ≤ r) for a standard normal Z. */
export function normalWithin(r: number): number {
  return r <= 0 ? 0 : erf(r / Math.SQRT2);
}

/**
 * P(|X·Y| ≤ r) for independent standard normals X and Y: E over X of P(|Y| ≤ r/|X|), by Simpson's rule in log x
 * (the integrand turns from 1 to 0 around x = r, however small r is).
 */
export function normalProductWithin(r: number): number {
  if (r <= 0) return 0;
  const phi0 = 1 / Math.sqrt(2 * Math.PI);
  const lo = r * 1e-9;
  const hi = 12;
  // Below lo the integrand is 2·φ(0)·1 to within 1e-9.
  let total = 2 * phi0 * lo;
  const n = 240;
  const a = Math.log(lo);
  const step = (Math.log(hi) - a) / n;
  const g = (y: number): number => {
    const x = Math.exp(y);
    return 2 * phi0 * Math.exp((-x * x) / 2) * erf(r / (x * Math.SQRT2)) * x;
  };
  let s = g(a) + g(a + n * step);
  for (let k = 1; k < n; k++) s += (k % 2 ? 4 : 2) * g(a + k * step);
  total += (s * step) / 3;
  return Math.min(1, total);
}

/**
 * The smallest error size δ at which the probability that every probe misses it, Π_p miss_p(δ), falls to `target`;
 * miss_p must decrease as δ grows. Found by bisection on log δ.
 */
export function sizeAtMissProbability(miss: (delta: number) => number, target: number, lo: number, hi: number): number {
  let a = Math.log(lo);
  let b = Math.log(hi);
  if (miss(hi) > target) return hi;
  if (miss(lo) <= target) return lo;
  for (let k = 0; k < 40; k++) {
    const m = (a + b) / 2;
    if (miss(Math.exp(m)) > target) a = m;
    else b = m;
  }
  return Math.exp(b);
}
