import { describe, expect, test } from 'vitest';
import type { UserSpec } from '../spec/types.js';
import './index.js';

/** f(x) = Σ xᵢ³, gradient 3xᵢ². */
const cubes: UserSpec = {
  name: 'sum of cubes',
  dims: { n: [1, 4] },
  inputs: { x: ['n'] },
  f: ({ x }) => x.data.reduce((s, v) => s + v ** 3, 0),
  gradient: ({ x }) => Array.from(x.data, (v) => 3 * v * v),
};
/** The same with 2xᵢ² (a wrong power rule). */
const wrong: UserSpec = { ...cubes, name: 'sum of cubes, wrong power rule', gradient: ({ x }) => Array.from(x.data, (v) => 2 * v * v) };

describe('toPassGradientCheck', () => {
  test('passes a correct gradient', async () => {
    await expect(cubes).toPassGradientCheck({ runs: 20, seed: 1 });
  });

  test('fails a wrong gradient with the worst entries and the options that replay it', async () => {
    let message = '';
    try {
      await expect(wrong).toPassGradientCheck({ runs: 20, seed: 1 });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('expected spec "sum of cubes, wrong power rule" to pass the gradient check, but its status is fail');
    expect(message).toMatch(/^FAIL sum of cubes, wrong power rule$/m);
    expect(message).toMatch(/^ {2}entry +analytic +numeric +abs err +rel err$/m);
    expect(message).toMatch(/^  hint: /m);
    expect(message).toMatch(/replay: toPassGradientCheck\(\{ seed: 1, path: "[\d:]+" \}\)/);
  });

  test('supports .not, for a derivative that must be caught', async () => {
    await expect(wrong).not.toPassGradientCheck({ runs: 20, seed: 1 });
    await expect(expect(cubes).not.toPassGradientCheck({ runs: 5, seed: 1 })).rejects.toThrow(
      'expected spec "sum of cubes" not to pass the gradient check, but it passed 5 runs (seed 1)',
    );
  });

  test('throws on an invalid spec, with or without .not', async () => {
    const invalid = { ...cubes, dims: { n: [3, 1] } } as UserSpec;
    await expect(expect(invalid).toPassGradientCheck()).rejects.toThrow('gradproof: spec "sum of cubes": dims.n has min 3 > max 1');
    await expect(expect(invalid).not.toPassGradientCheck()).rejects.toThrow('dims.n has min 3 > max 1');
  });
});
