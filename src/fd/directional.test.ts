import { describe, expect, test } from 'vitest';
import { directionalDerivative, twoPointAlong } from './directional.js';
import { FLOAT32 } from './precision.js';

describe('directional derivative', () => {
  test('J·d of f(x, y) = [sin(x0)·y0, exp(x1 + y0)] through two buffers, within its error estimate, in 4 evaluations', () => {
    const x = Float64Array.of(0.7, -0.4);
    const y = Float64Array.of(1.3);
    const f = () => Float64Array.of(Math.sin(x[0]) * y[0], Math.exp(x[1] + y[0]));
    const dx = Float64Array.of(0.3, -1.2);
    const dy = Float64Array.of(0.5);
    const noise = Float64Array.of(2e-16, 2e-16);
    const r = directionalDerivative(f, [x, y], [dx, dy], 2 ** -10, f(), noise);
    // J·d by hand: [cos(x0) y0 dx0 + sin(x0) dy0, exp(x1 + y0)(dx1 + dy0)].
    const exact = [Math.cos(0.7) * 1.3 * 0.3 + Math.sin(0.7) * 0.5, Math.exp(-0.4 + 1.3) * (-1.2 + 0.5)];
    exact.forEach((e, i) => expect(Math.abs(r.value[i] - e)).toBeLessThanOrEqual(r.error[i]));
    expect(r.evaluations).toBe(4);
    expect(Array.from(x)).toEqual([0.7, -0.4]);
    expect(Array.from(y)).toEqual([1.3]);
    expect(r.tangent[0][0]).toBeCloseTo(0.3, 12);
    expect(r.tangent[1][0]).toBeCloseTo(0.5, 12);
  });

  test('in float32 the stencil lands on float32 numbers and the tangent says which direction it really took', () => {
    const x = Float64Array.of(Math.fround(1.1), Math.fround(-2.3));
    const seen: number[] = [];
    const f = () => {
      seen.push(...x);
      return Float64Array.of(Math.fround(x[0] * 2 + x[1] * 3));
    };
    const d = Float64Array.of(0.123456789, 1);
    const r = directionalDerivative(f, [x], [d], 2 ** -5, f(), Float64Array.of(2 ** -23 * 4), { precision: FLOAT32 });
    for (const v of seen) expect(Math.fround(v)).toBe(v);
    // f is linear: the derivative along the realised tangent is 2·w0 + 3·w1, up to float32 rounding of f.
    expect(Math.abs(r.value[0] - (2 * r.tangent[0][0] + 3 * r.tangent[0][1]))).toBeLessThanOrEqual(r.error[0]);
    expect(Math.abs(r.tangent[0][0] - 0.123456789)).toBeLessThan(1e-4);
  });
});

describe('two-point directional derivative', () => {
  const mutated = (b: number, j: number) => new Error(`mutated ${b}[${j}]`);
  const into = () => [new Float64Array(2), new Float64Array(2)] as [Float64Array, Float64Array];

  test('J·w of a linear f is exact along the tangent the stored points realise, in 2 evaluations; x is restored bit for bit', () => {
    const x = Float64Array.of(0.7, -0, 1e-300);
    const y = Float64Array.of(-3.25);
    const origin = [Float64Array.from(x), Float64Array.from(y)];
    const seen: number[][] = [];
    // f = [2x0 − x1 + 4y0, x2·1e300 + y0]: J·w = [2w0 − w1 + 4w3, 1e300·w2 + w3], differenced exactly here.
    const f = (out: Float64Array) => {
      seen.push([...x, ...y]);
      out[0] = 2 * x[0] - x[1] + 4 * y[0];
      out[1] = x[2] * 1e300 + y[0];
      return out;
    };
    const f0 = f(new Float64Array(2));
    seen.length = 0;
    const d = [Float64Array.of(0.3, -1.1, 2), Float64Array.of(0.5)];
    const t = 2 ** -15;
    const r = twoPointAlong(f, [x, y], origin, d, t, f0, into(), mutated);
    expect(r.evaluations).toBe(2);
    expect(seen).toHaveLength(2);
    const [w, v] = r.tangent;
    // Only f's own rounding is left: a few ulps of |f| (about 12 and 3 here) over the width 2t.
    const eps = 2 ** -52;
    expect(Math.abs(r.value[0] - (2 * w[0] - w[1] + 4 * v[0]))).toBeLessThan((4 * eps * 12) / (2 * t));
    expect(Math.abs(r.value[1] - (1e300 * w[2] + v[0]))).toBeLessThan((4 * eps * 3) / (2 * t));
    // The tangent is the requested direction up to the grid of x: 0.7's spacing 2^-53 over the width 2t.
    expect(Math.abs(w[0] - 0.3)).toBeLessThanOrEqual(2 ** -53 / (2 * t));
    expect(w[2]).toBeCloseTo(2, 12);
    // The two points are x ± t·w exactly, and x is restored with the sign of its zero.
    expect(seen[0][0] - seen[1][0]).toBe(2 * t * w[0]);
    expect(Object.is(x[1], -0)).toBe(true);
    expect([...x, ...y]).toEqual([0.7, -0, 1e-300, -3.25]);
  });

  test('f writing to its input at a stencil point is named (buffer and index), and x is restored', () => {
    const x = Float64Array.of(1, 2, 3);
    const origin = [Float64Array.from(x)];
    let calls = 0;
    const f = (out: Float64Array) => {
      if (++calls === 2) x[2] += 1;
      out[0] = x[0] + x[1] + x[2];
      return out;
    };
    const d = [Float64Array.of(1, 1, 1)];
    expect(() => twoPointAlong(f, [x], origin, d, 1e-4, Float64Array.of(6), into(), mutated)).toThrow('mutated 0[2]');
    expect(Array.from(x)).toEqual([1, 2, 3]);
  });

  test('a NaN entry that f leaves alone is not taken for a mutation', () => {
    const x = Float64Array.of(1, NaN);
    const f = (out: Float64Array) => {
      out[0] = 2 * x[0];
      return out;
    };
    const r = twoPointAlong(f, [x], [Float64Array.of(1, NaN)], [Float64Array.of(1, 1)], 1e-3, Float64Array.of(2), into(), mutated);
    expect(r.value[0]).toBeCloseTo(2 * r.tangent[0][0], 12);
    expect(Number.isNaN(x[1])).toBe(true);
  });

  test('a throwing f leaves x as it was', () => {
    const x = Float64Array.of(1, 2);
    const f = (): Float64Array => {
      throw new Error('boom');
    };
    expect(() => twoPointAlong(f, [x], [Float64Array.of(1, 2)], [Float64Array.of(1, -1)], 1e-3, Float64Array.of(0), into(), mutated)).toThrow('boom');
    expect(Array.from(x)).toEqual([1, 2]);
  });

  test('a kink at x shows as a one-sided gap the size of the jump in slope', () => {
    const x = Float64Array.of(0);
    const f = (out: Float64Array) => {
      out[0] = Math.abs(x[0]);
      return out;
    };
    const r = twoPointAlong(f, [x], [Float64Array.of(0)], [Float64Array.of(1)], 1e-3, Float64Array.of(0), into(), mutated);
    expect(r.value[0]).toBe(0);
    expect(r.gap[0]).toBe(2);
    expect(r.slope[0]).toBe(1);
  });
});
