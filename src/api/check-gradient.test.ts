import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { catalog } from '../catalog/index.js';
import { SpecError } from '../spec/spec-error.js';
import type { UserSpec } from '../spec/types.js';
import { checkGradient } from './check-gradient.js';

/** f(x) = Σ sin xᵢ · xᵢ, whose gradient is sin xᵢ + xᵢ cos xᵢ. */
const sinTimes: UserSpec = {
  name: 'x sin x',
  dims: { n: [1, 5] },
  inputs: { x: ['n'] },
  f: ({ x }) => x.data.reduce((s, v) => s + v * Math.sin(v), 0),
  gradient: ({ x }) => Array.from(x.data, (v) => Math.sin(v) + v * Math.cos(v)),
};
/** The same with the product rule half forgotten: cos xᵢ · xᵢ only. */
const forgotten: UserSpec = { ...sinTimes, name: 'x sin x, product rule half forgotten', gradient: ({ x }) => Array.from(x.data, (v) => v * Math.cos(v)) };

describe('checkGradient', () => {
  test('passes a correct gradient and reports runs and seed', async () => {
    const result = await checkGradient(sinTimes, { runs: 30, seed: 11 });
    expect(result.status).toBe('pass');
    expect(result.runs).toBe(30);
    expect(result.seed).toBe(11);
  });

  test('fails a wrong gradient with a shrunk counterexample that seed and path replay', async () => {
    const result = await checkGradient(forgotten, { runs: 30, seed: 11 });
    expect(result.status).toBe('fail');
    // Shrinking drives n to its minimum, 1, and the single entry is off by sin x.
    expect(result.counterexample?.inputs.x.shape).toEqual([1]);
    const [entry] = result.counterexample!.entries;
    const x = result.counterexample!.inputs.x.data[0];
    expect(entry.numeric).toBeCloseTo(Math.sin(x) + x * Math.cos(x), 6);
    expect(entry.analytic).toBeCloseTo(x * Math.cos(x), 12);
    const replay = await checkGradient(forgotten, { seed: result.seed, path: result.path });
    expect(replay.status).toBe('fail');
    expect(replay.counterexample?.inputs).toEqual(result.counterexample?.inputs);
  });

  test('rejects an invalid spec with a SpecError naming the spec and field', async () => {
    await expect(checkGradient({ ...sinTimes, dims: { n: [4, 2] } } as UserSpec)).rejects.toThrow(
      new SpecError('"x sin x"', ['dims.n has min 4 > max 2']),
    );
  });

  test('accepts a CheckSpec, such as a catalog entry', async () => {
    const result = await checkGradient(catalog[0].spec as unknown as UserSpec, { runs: 10, seed: 1 });
    expect(result.status).toBe('pass');
  });

  test('turns a throwing inputs arbitrary into an error result, not a throw', async () => {
    const result = await checkGradient({
      name: 'broken arbitrary',
      inputs: fc.integer().map(() => {
        throw new Error('no data');
      }),
      f: () => 0,
      jvp: () => 0,
    } as unknown as UserSpec);
    expect(result.status).toBe('error');
    expect(result.message).toMatch(/^the check threw: no data/);
  });

  test('runs in fast mode: the correct spec passes and the half-forgotten product rule fails', async () => {
    const pass = await checkGradient(sinTimes, { mode: 'fast', runs: 20, seed: 7 });
    expect(pass.status).toBe('pass');
    expect(pass.missProbability).toBe(1e-3);
    expect((await checkGradient(forgotten, { mode: 'fast', runs: 20, seed: 7 })).status).toBe('fail');
  });

  test('refuses a mode that does not exist', async () => {
    await expect(checkGradient(sinTimes, { mode: 'turbo' as never })).rejects.toThrow('mode "turbo" is not available');
  });
});
