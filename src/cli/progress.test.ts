import { describe, expect, test } from 'vitest';
import type { CheckResult } from '../property/index.js';
import { progressLine } from './progress.js';

const result = (runs: number, durationMs: number): CheckResult =>
  ({ name: 'dense layer', status: 'fail', runs, skipped: 0, seed: 1, evaluations: 10, durationMs, maxRelError: 0, hints: [] }) as CheckResult;

describe('progressLine', () => {
  test('one plain line per finished check, runs counted in words that agree', () => {
    expect(progressLine(result(100, 412), 2, 12)).toBe('[ 3/12] fail              dense layer  (100 runs, 412 ms)');
    expect(progressLine(result(1, 1500), 0, 1)).toBe('[1/1] fail              dense layer  (1 run, 1.5 s)');
  });
});
