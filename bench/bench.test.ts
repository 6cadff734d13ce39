// Smoke test of the benchmark machinery (no timing assertions): the workloads are correct, measure() returns a
// well-formed measurement, and the tables and peer pairing hold together.
import { describe, expect, test } from 'vitest';
import { checkOnce } from '../src/check/index.js';
import { bareEvaluations, measure, type Measurement } from './measure.js';
import { pairUp, peerTable, workloadsToJson, type TorchMeasurement } from './peers/compare.js';
import { measurementTable } from './report.js';
import { dense, gradW, mlp, relu, rng, sweep, tanh } from './workloads.js';

const quick = { minTimeMs: 0, minReps: 1, maxReps: 1, longRunMs: 0, warmupMs: 0, memory: true } as const;

describe('bench workloads', () => {
  test.each([
    ['dense', dense(5)],
    ['grad-W', gradW(4)],
    ['tanh', tanh(6)],
    ['relu', relu(6)],
    ['mlp', mlp(4, 5, 3)],
  ])('the %s workload passes the checker (its derivative is right)', (_, w) => {
    expect(checkOnce(w.spec, w.inputs).status).toBe('pass');
  });

  test('dense f is W x, checked against a hand-computed product', () => {
    const w = dense(2);
    const [a, b, c, d] = w.inputs.W.data;
    const [x0, x1] = w.inputs.x.data;
    const z = w.spec.f(w.inputs) as { data: Float64Array };
    expect(Array.from(z.data)).toEqual([a * x0 + b * x1, c * x0 + d * x1]);
  });

  test('ReLU inputs and the network pre-activations stay at least 0.1 from the kink', () => {
    for (const v of relu(256).inputs.x.data) expect(Math.abs(v)).toBeGreaterThanOrEqual(0.1);
    const { x, W, b1 } = mlp(64, 32, 10).inputs;
    for (let i = 0; i < 32; i++) {
      let z = b1.data[i];
      for (let j = 0; j < 64; j++) z += W.data[i * 64 + j] * x.data[j];
      expect(Math.abs(z)).toBeGreaterThanOrEqual(0.1 - 1e-12);
    }
  });

  test('the generator is deterministic: the same seed gives the same numbers', () => {
    const a = rng(7);
    const b = rng(7);
    for (let i = 0; i < 5; i++) expect(a()).toBe(b());
  });

  test('the sweep holds the 15 workloads of the issue', () => {
    expect(sweep().map((w) => w.name)).toEqual([
      'dense 8', 'dense 64', 'dense 256',
      'grad-W 8', 'grad-W 64', 'grad-W 256',
      'tanh 8', 'tanh 64', 'tanh 256',
      'relu 8', 'relu 64', 'relu 256',
      'mlp 4-5-3', 'mlp 64-32-10', 'mlp 256-128-10',
    ]);
  });
});

describe('bench measurement', () => {
  test('bareEvaluations calls f exactly the given number of times', () => {
    const w = tanh(3);
    let calls = 0;
    const spec = { ...w.spec, f: (inputs: typeof w.inputs) => (calls++, w.spec.f(inputs)) };
    bareEvaluations(spec, w.inputs, 17);
    expect(calls).toBe(17);
  });

  test('measure returns a well-formed measurement of one tiny workload', () => {
    const m = measure(dense(3), quick);
    expect(m).toMatchObject({ workload: 'dense 3', family: 'dense', mode: 'full', status: 'pass', inputEntries: 3, outputEntries: 3, reps: 1 });
    // Central differences need at least two evaluations per input entry.
    expect(m.evaluations).toBeGreaterThanOrEqual(2 * 3);
    for (const k of ['firstMs', 'checkerMs', 'bareMs', 'checkerWallMs', 'bareWallMs', 'overhead'] as const) {
      expect(Number.isFinite(m[k]) && m[k] >= 0, k).toBe(true);
    }
    expect(m.peakBytes).not.toBeNull();
    expect(m.retainedBytes).not.toBeNull();
    expect(measurementTable([m])).toContain('dense 3');
  });

  test('peer rows pair by workload and mode, with ratio = gradproof / torch', () => {
    const ours = { workload: 'dense 8', mode: 'full', checkerMs: 1, evaluations: 34, overhead: 2, status: 'pass' } as Measurement;
    const torch: TorchMeasurement[] = [
      { workload: 'dense 8', mode: 'full', passed: true, evaluations: 18, reps: 1, checkerMs: 4, bareMs: 1, overhead: 4 },
      { workload: 'dense 8', mode: 'fast', passed: true, evaluations: 4, reps: 1, checkerMs: 0.5, bareMs: 0.1, overhead: 5 },
    ];
    const rows = pairUp([ours], torch);
    expect(rows).toHaveLength(1);
    expect(rows[0].ratio).toBe(0.25);
    expect(peerTable(rows, [torch[1]])).toContain('0.250');
  });

  test('the peer script receives every input tensor with its shape', () => {
    const [w] = workloadsToJson([mlp(4, 5, 3)]) as Array<{ inputs: Record<string, { shape: number[]; data: number[] }>; wrt: string[] }>;
    expect(Object.keys(w.inputs).sort()).toEqual(['U', 'W', 'b1', 'b2', 'x', 'y']);
    expect(w.inputs.W.shape).toEqual([5, 4]);
    expect(w.inputs.W.data).toHaveLength(20);
    expect(w.wrt).toEqual(['W', 'b1', 'U', 'b2']);
  });
});
