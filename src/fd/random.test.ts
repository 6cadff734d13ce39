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
  test('is FNV-1a over the bytes of the doubles, lowest byte first (worked by hand for [1])', () => {
    // 1.0 is 0x3FF0000000000000: bytes 00 00 00 00 00 00 F0 3F, then the length 1 is mixed in.
    let h = 0x811c9dc5;
    for (const byte of [0, 0, 0, 0, 0, 0, 0xf0, 0x3f]) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
    h = Math.imul(h ^ 1, 0x01000193) >>> 0;
    expect(hashNumbers([[1]])).toBe(h);
  });

  test('tells inputs apart by their bits, −0 from 0 included', () => {
    expect(hashNumbers([[0]])).not.toBe(hashNumbers([[-0]]));
    expect(hashNumbers([[1, 2]])).not.toBe(hashNumbers([[2, 1]]));
    expect(hashNumbers([[1]], 1)).not.toBe(hashNumbers([[1]], 2));
  });
});
