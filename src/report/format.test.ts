import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import type { CheckResult } from '../property/types.js';
import { entryLabel, formatNumber, formatPair, headline, indexLabel, printable, replayCommand, shellQuote, shownMaxRelError, unflatten, worstWrongEntries } from './format.js';

const failing = (over: Partial<CheckResult> = {}): CheckResult => ({
  name: 'example-1/linear-map',
  status: 'fail',
  runs: 3,
  skipped: 0,
  seed: 42,
  path: '2:0:1',
  evaluations: 10,
  durationMs: 1,
  maxRelError: 0,
  hints: [],
  ...over,
});

describe('labels', () => {
  test('a flat index becomes a row-major multi-index', () => {
    // In a 2×3 matrix, flat 4 is row 1, column 1; in 2×3×4, flat 23 is the last entry [1,2,3].
    expect(unflatten(4, [2, 3])).toEqual([1, 1]);
    expect(unflatten(23, [2, 3, 4])).toEqual([1, 2, 3]);
    expect(indexLabel('W', [2, 3], 5)).toBe('W[1,2]');
    expect(indexLabel('s', [], 0)).toBe('s');
    expect(indexLabel('x', undefined, 7)).toBe('x[7]');
  });

  test('an entry is labelled ∂out[i]/∂input[j] by the shapes at the counterexample', () => {
    const ce = { inputs: { W: { shape: [2, 2], data: [0, 0, 0, 0] } }, wrt: ['W'], maxAbsError: 1, maxRelError: 1, entries: [], outputShape: [3] };
    expect(entryLabel(ce, { input: 'W', outIndex: 2, inIndex: 2 })).toBe('∂out[2]/∂W[1,0]');
    expect(entryLabel({ ...ce, outputShape: [] }, { input: 'W', outIndex: 0, inIndex: 1 })).toBe('∂out/∂W[0,1]');
  });
});

describe('numbers', () => {
  test('shows six significant digits, exponent form at the extremes', () => {
    expect(formatNumber(1 / 3)).toBe('0.333333');
    expect(formatNumber(-2)).toBe('-2');
    expect(formatNumber(1.5e-9)).toBe('1.5e-9');
    expect(formatNumber(NaN)).toBe('NaN');
    expect(formatNumber(null)).toBe('-');
  });

  test('an analytic and a numeric value that differ are printed with enough digits to differ', () => {
    const [a, n] = formatPair(-0.9999999963, -0.9999998938);
    expect(a).not.toBe(n);
    expect(Number(a)).toBeCloseTo(-0.9999999963, 8);
    expect(formatPair(2, 2)).toEqual(['2', '2']);
  });
});

describe('replay command', () => {
  test('quoted words survive a POSIX shell unchanged', () => {
    for (const word of ["it's", 'a b', '<img src=x onerror=alert(1)>', 'plain-name/1', '$HOME `x` "q"']) {
      const echoed = execFileSync('sh', ['-c', `printf %s ${shellQuote(word)}`], { encoding: 'utf8' });
      expect(echoed).toBe(word);
    }
  });

  test('a catalog check replays with gradproof catalog, its seed and path', () => {
    expect(replayCommand(failing(), { command: 'catalog' })).toBe('gradproof catalog --filter example-1/linear-map --seed 42 --path 2:0:1');
  });

  test("a user's check replays with gradproof check on its module, keeping the run's tolerances", () => {
    const cmd = replayCommand(failing({ name: 'dense layer', source: 'specs/dense.ts' }), { command: 'check', atol: 1e-9, rtol: null });
    expect(cmd).toBe("gradproof check specs/dense.ts --filter 'dense layer' --seed 42 --path 2:0:1 --atol 1e-9");
  });

  test('a fast-mode failure replays in fast mode, with the probes and miss probability the run used', () => {
    expect(replayCommand(failing(), { command: 'catalog', mode: 'fast', probes: 4, missProbability: 1e-3 })).toBe('gradproof catalog --filter example-1/linear-map --seed 42 --path 2:0:1 --mode fast');
    expect(replayCommand(failing(), { command: 'catalog', mode: 'fast', probes: 1, missProbability: 0.01 })).toBe(
      'gradproof catalog --filter example-1/linear-map --seed 42 --path 2:0:1 --mode fast --probes 1 --miss-probability 0.01',
    );
    expect(replayCommand(failing(), { command: 'catalog', mode: 'full' })).not.toContain('--mode');
    // A full run's vjp check over the Jacobian budget is checked in fast mode: its probes replay too.
    expect(replayCommand(failing(), { command: 'catalog', mode: 'full', probes: 16 })).toMatch(/--path 2:0:1 --probes 16$/);
    // And the Jacobian budget that sent it there.
    expect(replayCommand(failing(), { command: 'catalog', mode: 'full', maxJacobianEntries: 4 })).toMatch(/--path 2:0:1 --max-jacobian-entries 4$/);
    expect(replayCommand(failing(), { command: 'catalog', mode: 'full', maxJacobianEntries: 1e7 })).not.toContain('--max-jacobian-entries');
    // A check that timed out replays under the same time limit.
    expect(replayCommand(failing({ status: 'error' }), { command: 'catalog', timeout: 2 })).toMatch(/--timeout 2$/);
    expect(replayCommand(failing({ status: 'error' }), { command: 'catalog', timeout: 60 })).not.toContain('--timeout');
  });

  test('a passing check has nothing to replay', () => {
    expect(replayCommand(failing({ status: 'pass' }))).toBeUndefined();
  });
});

test('wrong entries are those past their tolerance, worst first', () => {
  const e = (absError: number, tolerance: number) => ({ input: 'x', outIndex: 0, inIndex: 0, analytic: absError, numeric: 0, absError, relError: 1, errorEstimate: 0, tolerance });
  const check = failing({ counterexample: { inputs: {}, wrt: ['x'], maxAbsError: 3, maxRelError: 1, entries: [e(3, 1), e(2, 1), e(0.5, 1)] } });
  expect(worstWrongEntries(check).map((x) => x.absError)).toEqual([3, 2]);
});

test('the headline counts failures and errors apart', () => {
  const sum = (failed: number, errors: number, nondifferentiable = 0) => ({ checks: 7, passed: 7 - failed - errors - nondifferentiable, failed, errors, nondifferentiable });
  expect(headline(sum(4, 1))).toBe('4 of 7 checks failed, 1 error');
  expect(headline(sum(0, 2))).toBe('2 errors in 7 checks');
  expect(headline(sum(0, 0, 1))).toBe('1 with too few smooth inputs (most at a kink) in 7 checks');
  expect(headline(sum(2, 0, 1))).toBe('2 of 7 checks failed, 1 with too few smooth inputs (most at a kink)');
  expect(headline(sum(0, 0))).toBe('All 7 checks passed');
  // An interrupted run's headline says so first: its passing checks say nothing of those that never ran.
  expect(headline(sum(0, 0), true)).toBe('Stopped early: the 7 checks that finished passed');
  expect(headline(sum(1, 0), true)).toBe('Stopped early: 1 of 7 checks failed');
  expect(headline({ checks: 0, passed: 0, failed: 0, errors: 0, nondifferentiable: 0 }, true)).toBe('Stopped early: no check finished');
});

test('control characters in text for a terminal show as escapes', () => {
  expect(printable('dense\u001b[2Jlayer\u0007 ok')).toBe('dense\\x1b[2Jlayer\\x07 ok');
  expect(printable('σ(W x) ∂z/∂x')).toBe('σ(W x) ∂z/∂x');
});

describe('the max rel err of a summary row', () => {
  test('none for a check that compared nothing, also when read back from JSON (NaN stored as null)', () => {
    expect(shownMaxRelError(failing({ status: 'error', maxRelError: 3.1e-10 }))).toBeUndefined();
    expect(shownMaxRelError(failing({ status: 'nondifferentiable', maxRelError: 0 }))).toBeUndefined();
    const fromJson = JSON.parse(JSON.stringify(failing({ counterexample: { maxRelError: NaN } as CheckResult['counterexample'] }))) as CheckResult;
    expect(shownMaxRelError(fromJson)).toBeUndefined();
  });

  test("the counterexample's for a failing check, the passing inputs' for a pass", () => {
    expect(shownMaxRelError(failing({ maxRelError: 1e-12, counterexample: { maxRelError: 0.5 } as CheckResult['counterexample'] }))).toBe(0.5);
    expect(shownMaxRelError(failing({ status: 'pass', maxRelError: 2e-9 }))).toBe(2e-9);
  });
});
