import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { scalar, tensor } from '../tensor/index.js';
import { checkOnce } from './check-once.js';
import type { CheckSpec, NamedTensors } from './types.js';

const none = fc.constant({}) as fc.Arbitrary<NamedTensors>;
const vec = (a: ArrayLike<number>) => tensor([a.length], a);
const square: CheckSpec = { name: 'square', inputs: none, f: ({ x }) => vec(x.data.map((v) => v * v)), jvp: ({ x }, t) => vec(x.data.map((v, i) => 2 * v * t.data![i])) };
const x = { x: vec([1.5, -0.5, 2]) };

describe('error verdicts, in full and in fast mode', () => {
  for (const mode of ['full', 'fast'] as const) {
    const run = (spec: CheckSpec, inputs: NamedTensors = x) => checkOnce(spec, inputs, { mode });

    test(`${mode}: nondeterminism is an error with the size of the difference`, () => {
      let calls = 0;
      const v = run({ ...square, f: ({ x }) => vec(x.data.map((v, i) => v * v + (i === 0 ? 3e-12 * (calls++ % 2) : 0))) });
      expect(v.status).toBe('error');
      expect(v.message).toMatch(/^f is nondeterministic: two calls at the same input differ by 3\.00e-12 at output index 0$/);
    });

    test(`${mode}: f throwing a plain object is an error that shows the object`, () => {
      const v = run({
        ...square,
        f: () => {
          throw { code: 42, why: 'no convergence' };
        },
      });
      expect(v.status).toBe('error');
      expect(v.message).toBe('f threw: {"code":42,"why":"no convergence"}');
    });

    test(`${mode}: f mutating an input is an error naming the input`, () => {
      const v = run({ ...square, f: ({ x }) => ((x.data[1] = 7), vec(x.data.map((v) => v * v))) });
      expect(v.status).toBe('error');
      expect(v.message).toBe('f mutated its input x[1]');
    });

    test(`${mode}: the derivative mutating an input is an error naming the input`, () => {
      const v = run({ ...square, jvp: ({ x }, t) => ((x.data[2] = 0), vec(t.data!)) });
      expect(v.status).toBe('error');
      expect(v.message).toBe('jvp mutated its input x[2]');
    });

    test(`${mode}: f mutating an input only when moved (during finite differences) is caught too`, () => {
      const v = run({ ...square, f: ({ x }) => (x.data[0] !== 1.5 && (x.data[0] = 1.5), vec(x.data.map((v) => v * v))) });
      expect(v.status).toBe('error');
      expect(v.message).toBe('f (during finite differences) mutated its input x[0]');
    });

    test(`${mode}: NaN from f at the input names the output`, () => {
      const v = run({ ...square, f: () => vec([1, NaN, 3]) });
      expect(v.message).toBe('f returned NaN at the input (output index 1 of shape [3])');
    });

    test(`${mode}: Infinity from the derivative names the derivative and the index`, () => {
      const v = run({ ...square, jvp: () => vec([0, Infinity, 0]) });
      expect(v.status).toBe('error');
      expect(v.message).toMatch(/^jvp returned Infinity at index 1 of shape \[3\]$/);
    });

    test(`${mode}: NaN met by the finite differences names the output and what was moved`, () => {
      // sqrt(1.5 − x0) is NaN as soon as x0 moves above 1.5.
      const v = run({ ...square, f: ({ x }) => vec([Math.sqrt(1.5 - x.data[0]), x.data[1], x.data[2]]) });
      expect(v.status).toBe('error');
      expect(v.message).toMatch(/^finite differences met NaN: f returned it at output index 0 when .*x\[0\] was moved from 1\.5 to /);
    });

    test(`${mode}: finite differences that overflow are an error, not a verdict on the derivative`, () => {
      // f jumps from −1.5e308 to 1.5e308 across x = 0: every difference across the stencil overflows.
      const cliff: CheckSpec = { name: 'cliff', inputs: none, f: ({ x }) => vec([1.5e308 * Math.tanh(1e9 * x.data[0])]), jacobian: () => tensor([1, 1], [0]) };
      const v = run(cliff, { x: vec([0]) });
      expect(v.status).toBe('error');
      expect(v.message).toMatch(/^finite differences overflowed at output index 0 (for x\[0\]|along a probe direction): f changes by more than the largest double across the stencil$/);
    });
  }

  test('the gradient form on a vector-valued f is a clear error', () => {
    const v = checkOnce({ name: 'g', inputs: none, f: ({ x }) => x, gradient: ({ x }) => x }, { x: vec([1, 2]) });
    expect(v.message).toBe('the gradient form needs a scalar f, but f returned shape [2]');
    expect(checkOnce({ name: 's', inputs: none, f: ({ x }) => scalar(x.data[0] ** 2), gradient: ({ x }) => vec([2 * x.data[0]]) }, { x: vec([3]) }).status).toBe('pass');
  });
});
