import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { checkOnce } from '../check/index.js';
import { runProperty } from '../property/index.js';
import { tensor } from '../tensor/index.js';
import { tfjsSpec } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const vec = (xs: number[]) => tensor([xs.length], xs);

/** Elementwise cube, with a tf.customGrad gradient 3x²·dy scaled by `factor` (1 is right). */
const cube = (factor: number) =>
  tf.customGrad((x, save) => {
    (save as tf.GradSaveFunc)([x as tf.Tensor]);
    return { value: tf.pow(x as tf.Tensor, 3), gradFunc: (dy, [s]) => tf.mul(dy, tf.mul(3 * factor, tf.square(s))) };
  });

describe('tfjsSpec', () => {
  test('evaluates f in TF.js float32 and returns a gradproof tensor of its shape', () => {
    const spec = tfjsSpec({ name: 'outer', dims: {}, inputs: { a: [2], b: [3] }, f: ({ a, b }) => tf.outerProduct(a as tf.Tensor1D, b as tf.Tensor1D) });
    const out = spec.f({ a: vec([1, 2]), b: vec([3, 4, 0.1]) });
    expect(out).toMatchObject({ shape: [2, 3] });
    // 0.2 = 2 × 0.1 is not a float32 number: the value is the float32 product of float32(0.1) and 2.
    expect(Array.from((out as { data: Float64Array }).data)).toEqual([3, 4, Math.fround(0.1), 6, 8, Math.fround(2 * Math.fround(0.1))]);
  });

  test('autodiff as vjp: the pulled-back cotangent of x ↦ x ⊙ x is 2x ⊙ dy', () => {
    const spec = tfjsSpec({ name: 'square', inputs: { x: [3] }, f: ({ x }) => tf.square(x) });
    const g = spec.vjp!({ x: vec([1, -2, 0.5]) }, vec([1, 10, 100])) as Record<string, { data: Float64Array }>;
    expect(Array.from(g.x.data)).toEqual([2, -40, 100]);
  });

  test("autodiff as gradient (tf.valueAndGrads): ∇ Σ x³ = 3x²", () => {
    const spec = tfjsSpec({ name: 'sum-cube', inputs: { x: [2] }, f: ({ x }) => tf.sum(tf.pow(x, 3)), autodiff: 'gradient' });
    const g = spec.gradient!({ x: vec([2, -1]) }) as Record<string, { data: Float64Array }>;
    expect(Array.from(g.x.data)).toEqual([12, 3]);
  });

  test('an input f does not use gets an exact zero gradient (TF.js itself would throw)', () => {
    const spec = tfjsSpec({ name: 'ignores-b', inputs: { a: [2], b: [2] }, f: ({ a }) => tf.sum(tf.square(a)) });
    const g = spec.vjp!({ a: vec([1, 2]), b: vec([5, 6]) }, tensor([], [1])) as Record<string, { data: Float64Array }>;
    expect(Array.from(g.a.data)).toEqual([2, 4]);
    expect(Array.from(g.b.data)).toEqual([0, 0]);
    expect(runProperty(spec, { runs: 20, seed: 1 }).status).toBe('pass');
  });

  test('a right tf.customGrad gradient passes; one off by 2× fails with the scaled hint and its factor', () => {
    const inputs = { x: { shape: ['n'], range: [-2, 2] as const } };
    const right = tfjsSpec({ name: 'cube', dims: { n: [1, 4] }, inputs, f: ({ x }) => cube(1)(x) });
    const wrong = tfjsSpec({ name: 'cube×2', dims: { n: [1, 4] }, inputs, f: ({ x }) => cube(2)(x) });
    expect(runProperty(right, { runs: 50, seed: 7 }).status).toBe('pass');
    const r = runProperty(wrong, { runs: 50, seed: 7 });
    expect(r.status).toBe('fail');
    expect(r.hints).toContain('scaled');
    expect(r.diagnoses?.find((d) => d.hint === 'scaled')?.factor).toBe(2);
  });

  test('a hand-written TF.js gradient is checked in place of autodiff', () => {
    // f = Σ sin(x) · y, ∂f/∂x = cos(x) · y; the wrong one forgets y.
    const base = { dims: { n: [1, 3] as const }, inputs: { x: ['n'], y: ['n'] }, wrt: ['x'] as const, f: ({ x, y }: Record<'x' | 'y', tf.Tensor>) => tf.sum(tf.mul(tf.sin(x), y)) };
    const right = tfjsSpec({ ...base, name: 'sin-right', gradient: ({ x, y }) => tf.mul(tf.cos(x), y) });
    const wrong = tfjsSpec({ ...base, name: 'sin-wrong', gradient: ({ x }) => ({ x: tf.cos(x) }) });
    expect(runProperty(right, { runs: 50, seed: 3 }).status).toBe('pass');
    expect(runProperty(wrong, { runs: 50, seed: 3 }).status).toBe('fail');
  });

  test('a hand-written TF.js vjp receives the cotangent as a tf.Tensor', () => {
    const base = { dims: { n: [1, 3] as const }, inputs: { x: ['n'] }, f: ({ x }: Record<'x', tf.Tensor>) => tf.exp(x) };
    const right = tfjsSpec({ ...base, name: 'exp-right', vjp: ({ x }, dy) => tf.mul(dy, tf.exp(x)) });
    const wrong = tfjsSpec({ ...base, name: 'exp-sign', vjp: ({ x }, dy) => tf.neg(tf.mul(dy, tf.exp(x))) });
    expect(runProperty(right, { runs: 50, seed: 4 }).status).toBe('pass');
    const r = runProperty(wrong, { runs: 50, seed: 4 });
    expect(r.status).toBe('fail');
    expect(r.hints).toContain('sign-flipped');
  });

  test('one-hot inputs are held constant and left out of wrt', () => {
    const spec = tfjsSpec({ name: 'ce', dims: { k: [2, 3] }, inputs: { r: ['k'], y: { shape: ['k'], oneHot: true } }, f: ({ r, y }) => tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(r)))) });
    expect(spec.wrt).toEqual(['r']);
    for (const s of fc.sample(spec.inputs, { numRuns: 20, seed: 5 })) {
      expect(Array.from(s.y.data).filter((v) => v === 1)).toHaveLength(1);
      expect(Array.from(s.y.data).every((v) => v === 0 || v === 1)).toBe(true);
    }
  });
});

describe('tfjsSpec noise floor', () => {
  test('is the float32 unit roundoff times the largest intermediate f creates', () => {
    // f(x) = (x + 1000) − 1000 at x = 0.5: the intermediate 1000.5 is the largest magnitude.
    const spec = tfjsSpec({ name: 'cancel', inputs: { x: [1] }, f: ({ x }) => tf.sub(tf.add(x, 1000), 1000) });
    expect(spec.noiseFloor!({ x: vec([0.5]) })).toBe(2 ** -24 * 1000.5);
  });

  test('leaves out infinities, such as a −∞ mask before a softmax', () => {
    const spec = tfjsSpec({ name: 'masked', inputs: { x: [2] }, f: ({ x }) => tf.softmax(tf.add(x, tf.tensor1d([0, -Infinity]))) });
    expect(spec.noiseFloor!({ x: vec([-2, 0.5]) })).toBe(2 ** -24 * 2);
  });

  test('lets a confident cross-entropy pass where its float32 value is exactly 0 and its gradient is not', () => {
    // r = [20, 0], y = [1, 0]: J = log(1 + e^-20) ≈ 2.1e-9 rounds to 0 against r₀ = 20, but ∂J/∂r = ŷ − y ≈ [−2.1e-9, 2.1e-9].
    const spec = tfjsSpec({ name: 'confident', inputs: { r: [2], y: { shape: [2], oneHot: true } }, f: ({ r, y }) => tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(r)))) });
    const at = { r: vec([20, 0]), y: vec([1, 0]) };
    expect((spec.f(at) as { data: Float64Array }).data[0] === 0).toBe(true);
    expect(checkOnce(spec, at).status).toBe('pass');
    expect(checkOnce({ ...spec, noiseFloor: undefined }, at).status).toBe('fail');
  });
});

describe('tfjsSpec errors', () => {
  const one = { x: vec([1, 2]) };

  test('f returning something other than a tf.Tensor is an error verdict saying what came back', () => {
    const spec = tfjsSpec({ name: 'array', inputs: { x: [2] }, f: ({ x }) => x.arraySync() as unknown as tf.Tensor });
    const v = checkOnce(spec, one);
    expect(v.status).toBe('error');
    expect(v.message).toBe('f returned an array of length 2, expected a tf.Tensor');
  });

  test('f returning an int32 tensor is an error verdict', () => {
    const spec = tfjsSpec({ name: 'int', inputs: { x: [2] }, f: ({ x }) => tf.cast(x, 'int32') });
    expect(checkOnce(spec, one)).toMatchObject({ status: 'error', message: 'f returned a int32 tf.Tensor; gradproof differentiates float32 tensors' });
  });

  test('a throwing f or TF.js shape error is an error verdict with one line', () => {
    const spec = tfjsSpec({ name: 'bad-matmul', inputs: { x: [2] }, f: ({ x }) => tf.matMul(x as unknown as tf.Tensor2D, x as unknown as tf.Tensor2D) });
    const v = checkOnce(spec, one);
    expect(v.status).toBe('error');
    expect(v.message).toMatch(/^f threw: /);
    expect(v.message).not.toContain('\n');
  });

  test('a tf.customGrad gradient of the wrong shape is an error verdict', () => {
    const op = tf.customGrad((x) => ({ value: tf.sum(x as tf.Tensor), gradFunc: (dy) => tf.mul(dy, tf.ones([3])) }));
    const spec = tfjsSpec({ name: 'bad-shape', inputs: { x: [2] }, f: ({ x }) => op(x) });
    const v = checkOnce(spec, one);
    expect(v.status).toBe('error');
    expect(v.message).toMatch(/^TF\.js autodiff \(tf\.grads\) threw: /);
  });

  test('invalid declarations throw one clear line at construction', () => {
    const f = ({ x }: Record<string, tf.Tensor>) => x;
    expect(() => tfjsSpec({ name: 'q', inputs: { x: ['q'] }, f })).toThrow('gradproof/tfjs: spec "q": input "x" uses dimension "q", which dims does not declare (no dims given)');
    expect(() => tfjsSpec({ name: 'r', dims: { n: [3, 1] }, inputs: { x: ['n'] }, f })).toThrow('gradproof/tfjs: spec "r": dims.n has min 3 > max 1');
    expect(() => tfjsSpec({ name: 'y', inputs: { x: [2], y: { shape: [2], oneHot: true } }, wrt: ['y'], f })).toThrow('gradproof/tfjs: spec "y": wrt names "y", a one-hot input held constant');
    expect(() => tfjsSpec({ name: 'w', inputs: { x: [2] }, wrt: ['z' as 'x'], f })).toThrow('gradproof/tfjs: spec "w": wrt names "z", which is not an input (inputs: x)');
    expect(() => tfjsSpec({ name: 'two', inputs: { x: [2] }, f, gradient: f, vjp: f })).toThrow('gradproof/tfjs: spec "two": give gradient or vjp, not both');
    expect(() => tfjsSpec({ name: 'rg', inputs: { x: { shape: [2], range: [1, -1] } }, f })).toThrow('gradproof/tfjs: spec "rg": input "x" has range [1, -1]: need finite min ≤ max');
  });
});

describe('memory', () => {
  test('a 1000-run check leaves tf.memory().numTensors as it found it', () => {
    const spec = tfjsSpec({ name: 'tanh-sum', dims: { n: [1, 3] }, inputs: { x: ['n'], w: ['n'] }, f: ({ x, w }) => tf.sum(tf.mul(w, tf.tanh(x))) });
    const before = tf.memory().numTensors;
    const r = runProperty(spec, { runs: 1000, seed: 11 });
    expect(r.status).toBe('pass');
    expect(r.runs).toBeGreaterThanOrEqual(1000);
    expect(tf.memory().numTensors).toBe(before);
  });

  test('failing, throwing and wrongly typed checks leave no tensor behind either', () => {
    const before = tf.memory().numTensors;
    const wrong = tfjsSpec({ name: 'cube×2', inputs: { x: [2] }, f: ({ x }) => cube(2)(x) });
    expect(runProperty(wrong, { runs: 20, seed: 2 }).status).toBe('fail');
    const throws = tfjsSpec({ name: 'throws', inputs: { x: [2] }, f: ({ x }) => { tf.square(x); throw new Error('boom'); } });
    expect(runProperty(throws, { runs: 5, seed: 2 }).status).toBe('error');
    const throwsInGrad = tf.customGrad((x) => ({ value: tf.square(x as tf.Tensor), gradFunc: () => { throw new Error('no grad'); } }));
    expect(runProperty(tfjsSpec({ name: 'grad-throws', inputs: { x: [2] }, f: ({ x }) => throwsInGrad(x) }), { runs: 5, seed: 2 }).status).toBe('error');
    expect(runProperty(tfjsSpec({ name: 'int', inputs: { x: [2] }, f: ({ x }) => tf.cast(x, 'int32') }), { runs: 5, seed: 2 }).status).toBe('error');
    expect(tf.memory().numTensors).toBe(before);
  });
});
