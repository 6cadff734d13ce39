import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { tensor } from '../tensor/index.js';
import { checkOnce } from './check-once.js';
import { openCheck } from './context.js';
import { taylorColumn } from './taylor-confirm.js';
import type { CheckSpec, NamedTensors } from './types.js';

const none = fc.constant({}) as fc.Arbitrary<NamedTensors>;
const vec = (a: ArrayLike<number>) => tensor([a.length], a);
const f32 = Math.fround;

describe('the Taylor test confirms failures before they are reported', () => {
  // A float32 function: f(x) = [sin(x0)·exp(x1), x0·x1²], J = [[cos(x0) exp(x1), sin(x0) exp(x1)], [x1², 2 x0 x1]].
  const f = ({ x }: NamedTensors) => Float32Array.of(f32(f32(Math.sin(x.data[0])) * f32(Math.exp(x.data[1]))), f32(x.data[0] * f32(x.data[1] * x.data[1])));
  const J = (x: Float64Array, wrong = 1) => tensor([2, 2], [Math.cos(x[0]) * Math.exp(x[1]) * wrong, Math.sin(x[0]) * Math.exp(x[1]), x[1] ** 2, 2 * x[0] * x[1]]);
  const spec: CheckSpec = { name: 'f32', inputs: none, precision: 'float32', f, jacobian: ({ x }) => J(x.data) };

  test('float32, one entry 2% wrong: the failure carries a Taylor slope of about 1 (confirmed)', () => {
    const v = checkOnce({ ...spec, jacobian: ({ x }) => J(x.data, 1.02) }, { x: vec([0.6, -0.3]) });
    expect(v.status).toBe('fail');
    expect(v.taylor).toMatchObject({ input: 'x', inIndex: 0, outcome: 'confirmed' });
    expect(v.taylor!.slope).toBeGreaterThan(0.8);
    expect(v.taylor!.slope).toBeLessThan(1.3);
    expect(v.taylor!.numericSlope).toBeGreaterThan(1.7);
  });

  test('float32, the correct Jacobian: no failure, so no Taylor test is spent', () => {
    const v = checkOnce(spec, { x: vec([0.6, -0.3]) });
    expect(v.status).toBe('pass');
    expect(v.taylor).toBeUndefined();
  });

  test('cancellation noise in f: the correct derivative passes, a wrong one fails', () => {
    // f(x) = (10⁴ + x)³ − 10¹² − 3·10⁸ x − 3·10⁴ x² = x³, computed with terms of 10¹²: noise of about 10⁻⁴ in f,
    // which a failure has measured (ECnoise, then a fit at random offsets) before it is reported.
    const cubic: CheckSpec = {
      name: 'x³ by cancellation',
      inputs: none,
      f: ({ x }) => vec([(1e4 + x.data[0]) ** 3 - 1e12 - 3e8 * x.data[0] - 3e4 * x.data[0] ** 2]),
      jacobian: ({ x }) => tensor([1, 1], [3 * x.data[0] ** 2]),
    };
    for (const x of [0.7, 1.25, 2.17, 2.83]) {
      expect(checkOnce(cubic, { x: vec([x]) }).status).toBe('pass');
      expect(checkOnce({ ...cubic, jacobian: ({ x }) => tensor([1, 1], [2 * x.data[0] ** 2]) }, { x: vec([x]) }).status).toBe('fail');
    }
  });

  test('when the finite-difference column is wrong and the analytic one right, the Taylor test says so (refuted)', () => {
    const g: CheckSpec = { name: 'sin·exp', inputs: none, f: ({ x }) => vec([Math.sin(x.data[0]) * Math.exp(x.data[1])]), jacobian: () => tensor([1, 2], [0, 0]) };
    const ctx = openCheck(g, { x: vec([0.6, -0.3]) });
    const right = Float64Array.of(Math.cos(0.6) * Math.exp(-0.3));
    const t = taylorColumn(ctx, 0, 0, right, Float64Array.of(right[0] * 1.001), ctx.noise());
    expect(t.outcome).toBe('refuted');
    expect(t.slope).toBeGreaterThan(1.8);
    expect(t.numericSlope).toBeLessThan(1.2);
    // And the other way round: confirmed.
    expect(taylorColumn(ctx, 0, 0, Float64Array.of(right[0] * 1.001), right, ctx.noise()).outcome).toBe('confirmed');
  });
});
