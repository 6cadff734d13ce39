import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { tensor } from '../tensor/index.js';
import { checkOnce } from './check-once.js';
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

  test('a larger one switches to fast mode with a notice naming the size and the budget', () => {
    const v = checkOnce(spec, { x }, { maxJacobianEntries: 2499 });
    expect(v.status).toBe('pass');
    expect(v.fast).toBeDefined();
    expect(v.notice).toBe('the full Jacobian has 2500 entries, over the budget of 2499 (--max-jacobian-entries): checked in fast mode');
    expect(v.evaluations).toBeLessThan(2 * n);
  });

  test('a wrong derivative still fails after the switch', () => {
    const wrong: CheckSpec = { ...spec, jvp: ({ x }, t) => tensor([n], Array.from(x.data, (v, i) => (1 - Math.tanh(v) ** 2) * t.x.data[i] * (i === 17 ? 1.01 : 1))) };
    const v = checkOnce(wrong, { x }, { maxJacobianEntries: 100 });
    expect(v.status).toBe('fail');
    expect(v.notice).toMatch(/checked in fast mode/);
    expect(v.entries[0]).toMatchObject({ input: 'x', inIndex: 17 });
  });
});
