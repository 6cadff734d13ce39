// The TF.js fixtures (fixtures/tfjs/) run against the real @tensorflow/tfjs package on its pure-JS CPU backend:
// the right gradients pass 200 random inputs each, the wrong ones fail with the hint that names the mistake.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import type { CheckSpec } from '../check/types.js';
import { runProperty, type CheckResult } from '../property/index.js';
import * as ops from '../../fixtures/tfjs/built-in-ops.js';
import * as ce from '../../fixtures/tfjs/softmax-cross-entropy.js';
import * as net from '../../fixtures/tfjs/two-layer-net.js';

/** fast-check seed: GRADPROOF_SEED replays a run; each test prints the one it used when it fails. */
const SEED = Number(process.env.GRADPROOF_SEED ?? 20240611);
const RUNS = 200;

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

function run(spec: CheckSpec, runs: number): { r: CheckResult; why: string } {
  const r = runProperty(spec, { runs, seed: SEED });
  const e = r.counterexample?.entries[0];
  const why = `${spec.name} (seed ${r.seed}${r.path ? `, path ${r.path}` : ''}): ${r.status} ${r.hints.join(',')} ${r.message ?? ''}${e ? ` worst ${e.input}[${e.inIndex}] analytic ${e.analytic} numeric ${e.numeric} tolerance ${e.tolerance}` : ''}`;
  return { r, why };
}

const right: [string, CheckSpec][] = [
  ['two-layer net, autodiff', net.autodiff],
  ['two-layer net, tf.customGrad ReLU with its mask', net.customReluRight],
  ['softmax cross-entropy, tf.customGrad ŷ − y', ce.right],
  ['tf.matMul', ops.matMul],
  ['tf.softmax', ops.softmax],
  ['tf.logSumExp', ops.logSumExp],
  ['tf.tanh', ops.tanh],
];

describe('TF.js fixtures: right gradients pass', () => {
  test.each(right)(`%s passes ${RUNS} random inputs and leaves no tensor behind`, (_, spec) => {
    const before = tf.memory().numTensors;
    const { r, why } = run(spec, RUNS);
    expect(r.status, why).toBe('pass');
    expect(r.runs - r.skipped).toBeGreaterThanOrEqual(RUNS);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('TF.js fixtures: wrong gradients fail with the hint that names the mistake', () => {
  test('a tf.customGrad ReLU whose gradient forgets the mask fails with the mask hint', () => {
    const { r, why } = run(net.customReluForgetsMask, RUNS);
    expect(r.status, why).toBe('fail');
    expect(r.hints, why).toContain('mask');
  });

  test('a softmax cross-entropy with the sign-flipped gradient y − ŷ fails with the sign-flipped hint', () => {
    const { r, why } = run(ce.signFlipped, RUNS);
    expect(r.status, why).toBe('fail');
    expect(r.hints, why).toEqual(['sign-flipped']);
  });
});
