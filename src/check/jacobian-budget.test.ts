import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { tensor } from '../tensor/index.js';
import { checkOnce } from './check-once.js';
import { openCheck } from './context.js';
import { streamingCheck } from './streaming.js';
import type { CheckSpec, NamedTensors } from './types.js';

const none = fc.constant({}) as fc.Arbitrary<NamedTensors>;
// z = tanh(x) elementwise on 50 entries: a 50×50 = 2500-entry Jacobian, diag(1 − tanh² x).
const n = 50;
const x = tensor([n], Array.from({ length: n }, (_, i) => Math.sin(i + 0.5) * 2));
const spec: CheckSpec = {
  name: 'tanh',
  inputs: none,
  f: ({ x }) => tensor([n], Array.from(x.data, Math.tanh)),
  jvp: ({ x }, t) => tensor([n], Array.from(x.data, (v, i) => (1 - Math.tanh(v) ** 2) * t.x.data[i])),
};

describe('the Jacobian budget (--max-jacobian-entries)', () => {
  test('a Jacobian within the budget is checked in full mode, with no notice', () => {
    const v = checkOnce(spec, { x }, { maxJacobianEntries: 2500 });
    expect(v.status).toBe('pass');
    expect(v.notice).toBeUndefined();
    expect(v.fast).toBeUndefined();
  });

  test('a larger one is streamed column by column: every entry compared, the worst kept, no Jacobian in the verdict', () => {
    const v = checkOnce(spec, { x }, { maxJacobianEntries: 2499 });
    expect(v.status).toBe('pass');
    expect(v.fast).toBeUndefined();
    expect(v.notice).toBe('the full Jacobian has 2500 entries, over the budget of 2499 (--max-jacobian-entries): streamed column by column, keeping the worst entries (no heatmaps or hints)');
    expect(v.jacobians).toEqual([]);
    expect(v.entries).toHaveLength(10);
    // Every column on two points: 2 per entry of x, 2 at x; and one jvp call per column.
    expect(v.evaluations).toBe(2 * n + 2);
    expect(v.derivativeCalls).toBe(n);
    expect(v.sensitivity).toBeGreaterThan(0);
  });

  test('blocks of a few columns give the verdict of the whole Jacobian at once', () => {
    const wrong: CheckSpec = { ...spec, jvp: ({ x }, t) => tensor([n], Array.from(x.data, (v, i) => (1 - Math.tanh(v) ** 2) * t.x.data[i] * (i === 17 ? 1.01 : 1))) };
    const whole = checkOnce(wrong, { x });
    const streamed = streamingCheck(openCheck(wrong, { x }), {}, 3 * n);
    expect(whole.status).toBe('fail');
    expect(streamed.status).toBe('fail');
    expect(streamed.entries[0]).toMatchObject({ input: 'x', outIndex: 17, inIndex: 17 });
    expect(streamed.entries[0].analytic).toBe(whole.entries[0].analytic);
    expect(streamed.maxAbsError).toBeCloseTo(whole.maxAbsError, 12);
    // The wrong entry is ∂tanh(x17)/∂x17 · 0.01, by hand.
    expect(streamed.maxAbsError).toBeCloseTo(0.01 * (1 - Math.tanh(x.data[17]) ** 2), 8);
    expect(streamed.taylor?.outcome).toBe('confirmed');
  });

  test('a wrong derivative is still caught over the budget, and a vjp is checked by fast mode', () => {
    const wrong: CheckSpec = { ...spec, jvp: ({ x }, t) => tensor([n], Array.from(x.data, (v, i) => (1 - Math.tanh(v) ** 2) * t.x.data[i] * (i === 17 ? 1.01 : 1))) };
    const v = checkOnce(wrong, { x }, { maxJacobianEntries: 100 });
    expect(v.status).toBe('fail');
    expect(v.notice).toMatch(/streamed column by column/);
    expect(v.entries[0]).toMatchObject({ input: 'x', inIndex: 17 });
    const vjp: CheckSpec = { name: 'tanh', inputs: none, f: spec.f, vjp: ({ x }, u) => ({ x: tensor([n], Array.from(x.data, (v, i) => (1 - Math.tanh(v) ** 2) * u.data[i])) }) };
    const f = checkOnce(vjp, { x }, { maxJacobianEntries: 100 });
    expect(f.status).toBe('pass');
    expect(f.fast).toBeDefined();
    expect(f.notice).toMatch(/checked in fast mode \(a vjp gives rows/);
  });
});
