import { describe, expect, test } from 'vitest';
import { directionalDerivative } from './directional.js';
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
