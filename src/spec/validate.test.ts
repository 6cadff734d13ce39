import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { SpecError } from './spec-error.js';
import { specProblems, validateSpec } from './validate.js';

const good = {
  name: 'dense layer',
  dims: { m: [1, 8], n: [1, 8] },
  inputs: { W: ['m', 'n'], x: { shape: ['n'], range: [-2, 2] }, y: { shape: ['m'], oneHot: true } },
  f: () => 0,
  gradient: () => ({}),
};

describe('validateSpec', () => {
  test('accepts a declared spec and returns it unchanged', () => {
    expect(validateSpec(good)).toBe(good);
    expect(specProblems(good)).toEqual([]);
  });

  test('names the spec and the field: dims.m has min 3 > max 1', () => {
    expect(() => validateSpec({ ...good, dims: { m: [3, 1], n: [1, 8] } })).toThrow(
      'gradproof: spec "dense layer": dims.m has min 3 > max 1',
    );
  });

  test('reports every problem at once, on one line', () => {
    const bad = {
      name: 'dense layer',
      dims: { m: [3, 1], n: 2.5 },
      inputs: { W: ['m', 'k'], x: { shape: ['n'], rnage: [0, 1] } },
      wrt: ['W', 'z'],
      f: 3,
      gradient: () => 0,
      vjp: () => 0,
      tolerance: { rtol: -1 },
      precison: 'float32',
    };
    let error: unknown;
    try {
      validateSpec(bad, { where: 'fixtures/bad.ts' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecError);
    const message = (error as SpecError).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message.startsWith('gradproof: spec "dense layer" in fixtures/bad.ts: ')).toBe(true);
    for (const part of [
      'dims.m has min 3 > max 1',
      'inputs.W.shape[1] names dimension "k", which is not in dims (m, n)',
      'dims.n must be a whole number ≥ 0 or a [min, max] pair of whole numbers, got 2.5',
      'f must be a function, got 3',
      'tolerance.rtol must be a finite number ≥ 0, got -1',
      'has unknown field "precison" (did you mean "precision"?)',
      'inputs.x has unknown field "rnage" (did you mean "range"?)',
      'gives gradient and vjp: keep exactly one derivative form',
      'wrt names "z", which is not an input (W, x)',
    ]) {
      expect(message).toContain(part);
    }
  });

  test('checks shapes against dims, and dims even when the inputs are malformed', () => {
    expect(specProblems({ ...good, inputs: { W: ['m', 'k'] } })).toContain('inputs.W.shape[1] names dimension "k", which is not in dims (m, n)');
    expect(specProblems({ ...good, dims: { m: [4, 2] }, inputs: 7 })).toEqual(
      expect.arrayContaining(['dims.m has min 4 > max 2', 'inputs must be an object of named input shapes or a fast-check arbitrary, got 7']),
    );
  });

  test('refuses to differentiate a one-hot input, and a spec with nothing left to differentiate', () => {
    expect(specProblems({ ...good, wrt: ['y'] })).toContain('wrt names "y", which is held constant (oneHot)');
    expect(specProblems({ ...good, inputs: { y: { shape: [3], oneHot: true } } })).toContain('every input is held constant: nothing to differentiate');
  });

  test('needs exactly one derivative form', () => {
    const { gradient: _, ...none } = good;
    expect(specProblems(none)).toContain('gives no derivative: add exactly one of jacobian, gradient, vjp, jvp');
  });

  test('accepts inputs given as a fast-check arbitrary, but not together with dims', () => {
    const arb = fc.constant({});
    expect(specProblems({ name: 'a', inputs: arb, f: () => 0, jvp: () => 0 })).toEqual([]);
    expect(specProblems({ name: 'a', dims: { n: 2 }, inputs: arb, f: () => 0, jvp: () => 0 })).toContain(
      'dims is set, but inputs is a fast-check arbitrary: dims only apply to inputs declared by shape',
    );
  });

  test('labels a spec without a usable name by where it was found', () => {
    expect(() => validateSpec({ inputs: { x: [2] }, f: () => 0, gradient: () => 0 }, { label: 'default[1] export' })).toThrow(
      'gradproof: spec default[1] export: name is missing',
    );
    expect(() => validateSpec(42, { label: 'default export' })).toThrow(/^gradproof: spec default export: must be a spec object/);
  });
});
