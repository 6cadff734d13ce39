import { describe, expect, test } from 'vitest';
import { erf, normalProductWithin, normalWithin, sizeAtMissProbability } from './probability.js';
import { rng } from './random.js';
import { stepFromNoise } from './step.js';

describe('probabilities of probes missing an error', () => {
  test('erf matches tabulated values', () => {
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 13);
    expect(erf(1)).toBeCloseTo(0.8427007929497149, 13);
    expect(erf(2)).toBeCloseTo(0.9953222650189527, 13);
    expect(erf(3.5)).toBeCloseTo(0.9999992569016276, 13);
    expect(erf(-1)).toBeCloseTo(-0.8427007929497149, 13);
    expect(normalWithin(1.959963984540054)).toBeCloseTo(0.95, 12);
  });

  test('P(|XY| ≤ r) for standard normals: the small-r law (2r/π)(ln(2/r) + 1 − γ) and a Monte Carlo estimate', () => {
    const gamma = 0.5772156649015329;
    const r = 1e-3;
    const law = ((2 * r) / Math.PI) * (Math.log(2 / r) + 1 - gamma);
    expect(Math.abs(normalProductWithin(r) / law - 1)).toBeLessThan(0.01);
    const g = rng(3);
    let inside = 0;
    const n = 200_000;
    for (let k = 0; k < n; k++) if (Math.abs(g.gaussian() * g.gaussian()) <= 0.5) inside++;
    const p = inside / n;
    // Binomial standard error at n = 2e5 is about 1.1e-3: allow 4 of them.
    expect(Math.abs(normalProductWithin(0.5) - p)).toBeLessThan(4.5e-3);
  });

  test('the size at a miss probability solves the equation', () => {
    const delta = sizeAtMissProbability((d) => Math.exp(-d), 1e-3, 1e-6, 1e6);
    expect(delta).toBeCloseTo(Math.log(1000), 9);
  });
});

describe('step from noise', () => {
  test('float32 roundoff gives 2^-5, float64 roundoff 2^-15, clamped to the range given', () => {
    // 1.5·(68·2^-23)^(1/3) = 0.0302 → 2^-5; 1.5·(68·2^-52)^(1/3) = 3.7e-5 → 2^-15.
    expect(stepFromNoise(2 ** -23, 2 ** -20, 1)).toBe(2 ** -5);
    expect(stepFromNoise(2 ** -52, 2 ** -20, 1)).toBe(2 ** -15);
    expect(stepFromNoise(1e-2, 2 ** -10, 2 ** -3)).toBe(2 ** -3);
  });
});
