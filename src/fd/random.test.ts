import { describe, expect, test } from 'vitest';
import { gaussianVector, hashNumbers, rng } from './random.js';

/** Φ, the standard normal CDF (Abramowitz & Stegun 7.1.26 on erf, error below 1.5e-7). */
function phi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

describe('gaussianVector (ziggurat)', () => {
  const n = 400_000;
  const v = gaussianVector(rng(7), n);

  test('mean 0, variance 1, fourth moment 3 within their sampling error', () => {
    let m1 = 0;
    let m2 = 0;
    let m4 = 0;
    for (const x of v) {
      m1 += x;
      m2 += x * x;
      m4 += x ** 4;
    }
    // Standard errors: 1/√n, √2/√n, √96/√n; five of them is a generous bound that a wrong table still breaks.
    expect(Math.abs(m1 / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(m2 / n - 1)).toBeLessThan((5 * Math.SQRT2) / Math.sqrt(n));
    expect(Math.abs(m4 / n - 3)).toBeLessThan((5 * Math.sqrt(96)) / Math.sqrt(n));
  });

  test('its distribution function stays within the Kolmogorov–Smirnov bound of Φ (p = 0.001)', () => {
    const s = Float64Array.from(v).sort();
    let d = 0;
    for (let i = 0; i < n; i++) {
      const F = phi(s[i]);
      d = Math.max(d, Math.abs(F - i / n), Math.abs(F - (i + 1) / n));
    }
    expect(d).toBeLessThan(1.95 / Math.sqrt(n));
  });

  test('the tail beyond the base layer (|x| > 3.4426) comes out as often as it should, and reaches past 4', () => {
    const r = 3.442619855899;
    const expected = 2 * (1 - phi(r)) * n;
    const tail = v.filter((x) => Math.abs(x) > r).length;
    expect(Math.abs(tail - expected)).toBeLessThan(5 * Math.sqrt(expected));
    expect(v.some((x) => Math.abs(x) > 4)).toBe(true);
  });

  test('each layer is as likely as its area says: deciles of |x| hold a tenth each', () => {
    // |x| ≤ q_k with probability k/10: q from the inverse of 2Φ − 1 at 0.1, …, 0.9.
    const q = [0.1257, 0.2533, 0.3853, 0.5244, 0.6745, 0.8416, 1.0364, 1.2816, 1.6449];
    for (const [k, qk] of q.entries()) {
      const share = v.filter((x) => Math.abs(x) <= qk).length / n;
      expect(Math.abs(share - (k + 1) / 10)).toBeLessThan(0.004);
    }
  });

  test('replays from its seed, and successive draws continue the stream', () => {
    const a = rng(11);
    const b = rng(11);
    const whole = gaussianVector(a, 10);
    const first = gaussianVector(b, 4);
    const rest = gaussianVector(b, 6);
    expect([...first, ...rest]).toEqual([...whole]);
  });
});

describe('hashNumbers', () => {
  const bitsChanged = (a: number, b: number): number => {
    let x = (a ^ b) >>> 0;
    let n = 0;
    for (; x; x >>>= 1) n += x & 1;
    return n;
  };

  test('a flip of any one bit of any entry changes the hash, and about half its 32 bits (avalanche)', () => {
    const r = rng(5);
    const bits = new Uint32Array(2);
    const f = new Float64Array(bits.buffer);
    let total = 0;
    const trials = 400;
    for (let k = 0; k < trials; k++) {
      const x = Float64Array.from({ length: 1 + Math.floor(r.uniform() * 50) }, () => r.gaussian() * 10 ** Math.floor(r.uniform() * 20 - 10));
      const at = Math.floor(r.uniform() * x.length);
      const bit = Math.floor(r.uniform() * 64);
      const h = hashNumbers([x]);
      f[0] = x[at];
      bits[bit >> 5] ^= 1 << (bit & 31);
      const y = Float64Array.from(x);
      y[at] = f[0];
      const changed = bitsChanged(h, hashNumbers([y]));
      expect(changed).toBeGreaterThan(0);
      total += changed;
    }
    // Binomial(32, ½) per trial: mean 16, standard error of the mean √8/√400 = 0.14.
    expect(Math.abs(total / trials - 16)).toBeLessThan(1);
  });

  test('sign flips of two entries (the top bit of two words) do not cancel', () => {
    // Inputs that differ only in the signs of some entries: a word-wise FNV step gives them all one hash.
    const base = [0.3, -1.7, 2.5, 4.25];
    const seen = new Set<number>();
    for (let mask = 0; mask < 16; mask++) seen.add(hashNumbers([base.map((v, i) => (mask & (1 << i) ? -v : v))]));
    expect(seen.size).toBe(16);
  });

  test('tells inputs apart by their bits, order, split and salt, −0 from 0 included; plain arrays hash as doubles', () => {
    expect(hashNumbers([[0]])).not.toBe(hashNumbers([[-0]]));
    expect(hashNumbers([[1, 2]])).not.toBe(hashNumbers([[2, 1]]));
    expect(hashNumbers([[1], [2]])).not.toBe(hashNumbers([[1, 2]]));
    expect(hashNumbers([[1]], 1)).not.toBe(hashNumbers([[1]], 2));
    expect(hashNumbers([[0.1, -3]])).toBe(hashNumbers([Float64Array.of(0.1, -3)]));
    const big = new Float64Array(10).fill(7);
    expect(hashNumbers([big.subarray(2, 5)])).toBe(hashNumbers([[7, 7, 7]]));
  });
});
