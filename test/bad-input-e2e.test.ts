// End to end: the gradproof command, run as a child process on the bad spec modules in fixtures/bad/, never
// crashes: a module or spec problem is one line and exit code 2; a problem in a checked function is an `error`
// (or shape `fail`) verdict for that spec only, the specs beside it still run, and the report is valid JSON.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Report } from '../src/report/index.js';
import { gradproof } from './run-cli.js';

const STACK_LINE = /^\s+at /m;

describe('bad modules, specs and options: exit 2, one line, no stack trace', () => {
  const cases: [string, string[], RegExp][] = [
    ['a file that does not exist', ['check', 'fixtures/bad/does-not-exist.ts'], /^gradproof: cannot load fixtures\/bad\/does-not-exist\.ts: no such file$/],
    ['a syntax error', ['check', 'fixtures/bad/syntax-error.ts'], /^gradproof: cannot load fixtures\/bad\/syntax-error\.ts: syntax-error\.ts:\d+:\d+: Expected "\}" but found ";"$/],
    ['a module with no specs', ['check', 'fixtures/bad/no-specs.mjs'], /^gradproof: fixtures\/bad\/no-specs\.mjs exports no specs/],
    ['a spec missing f', ['check', 'fixtures/bad/missing-f.mjs'], /^gradproof: spec "no f" in fixtures\/bad\/missing-f\.mjs: f is missing$/],
    ['a spec with two derivative forms', ['check', 'fixtures/bad/two-derivatives.mjs'], /^gradproof: spec "two derivative forms" in .*: gives gradient and vjp: keep exactly one derivative form$/],
    ['a dimension range with min > max', ['check', 'fixtures/bad/dim-min-max.mjs'], /^gradproof: spec "reversed dimension range" in .*: dims\.n has min 5 > max 2$/],
    ['an unknown dimension name', ['check', 'fixtures/bad/unknown-dim.mjs'], /^gradproof: spec "unknown dimension" in .*: inputs\.x\.shape\[0\] names dimension "m", which is not in dims \(n\)$/],
    ['an invalid --runs', ['check', 'fixtures/several.ts', '--runs', 'abc'], /^gradproof: option '--runs <n>' argument 'abc' is invalid\. --runs must be a positive whole number, got "abc"$/],
    ['an invalid --rtol', ['check', 'fixtures/several.ts', '--rtol', '-1'], /^gradproof: option '--rtol <x>' argument '-1' is invalid\. --rtol must be a non-negative number/],
    ['an invalid --timeout', ['check', 'fixtures/several.ts', '--timeout', 'soon'], /^gradproof: option '--timeout <seconds>' argument 'soon' is invalid\. --timeout must be a positive number, got "soon"$/],
    ['an invalid --workers', ['check', 'fixtures/several.ts', '--workers', '0'], /^gradproof: option '--workers <n>' argument '0' is invalid\. --workers must be a positive whole number, got "0"$/],
    ['an unknown option', ['check', 'fixtures/several.ts', '--rnus', '3'], /^gradproof: unknown option '--rnus'/],
    ['a --path that is not a replay path', ['check', 'fixtures/several.ts', '--seed', '1', '--path', 'abc'], /^gradproof: option '--path <path>' argument 'abc' is invalid\. --path must be whole numbers joined by colons/],
    ['an empty report directory', ['check', 'fixtures/several.ts', '--report-dir', ''], /^gradproof: option '--report-dir <dir>' argument '' is invalid\. --report-dir must name a directory/],
    ['a merge of a directory, not its report', ['merge', 'fixtures'], /^gradproof: cannot read fixtures: it is a directory \(give the gradproof\.json in it\)$/],
    ['a report directory under a file', ['check', 'fixtures/several.ts', '--report-dir', 'README.md/sub'], /^gradproof: cannot write reports to README\.md\/sub: a file stands where a directory is needed$/],
  ];
  for (const [what, args, message] of cases) {
    test(what, async () => {
      const run = await gradproof(args);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      const lines = run.stderr.trimEnd().split('\n');
      expect(lines[0]).toMatch(message);
      // commander may add a "(Did you mean …?)" line to an unknown option; nothing else.
      expect(lines.slice(1).every((l) => /^\(Did you mean/.test(l))).toBe(true);
      expect(run.stderr).not.toMatch(STACK_LINE);
    });
  }

  test('--debug adds the stack trace of a module that cannot be loaded', async () => {
    const run = await gradproof(['check', 'fixtures/bad/syntax-error.ts', '--debug']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(STACK_LINE);
  });
});

describe('bad functions: a verdict for that spec, the others still run, the report is valid JSON (exit 1)', () => {
  const GOOD = 'sum of squares (correct)';
  const cases: [string, Record<string, [string, RegExp]>][] = [
    ['f-throws.mjs', { 'f throws': ['error', /^f threw: f is broken \(at fixtures\/bad\/f-throws\.mjs:\d+:\d+\)$/] }],
    ['derivative-throws.mjs', { 'gradient throws': ['error', /^gradient threw: gradient is broken \(at fixtures\/bad\/derivative-throws\.mjs:\d+:\d+\)$/] }],
    ['wrong-type.mjs', { 'f returns a string': ['error', /^f returned a string, expected a Tensor, number/] }],
    ['wrong-shape.mjs', { 'gradient of the wrong shape': ['fail', /^gradient for "x" has shape \[\d+\], expected \[\d+\]$/] }],
    [
      'non-finite.mjs',
      {
        'f returns NaN': ['error', /^f returned NaN at the input/],
        'gradient returns Infinity': ['error', /^gradient for "x" returned Infinity at index 0/],
      },
    ],
    ['mutates-input.mjs', { 'f mutates its input': ['error', /^f mutated its input x\[0\]$/] }],
    ['exits.mjs', { 'f exits the process': ['error', /^f threw: called process\.exit\(3\) \(at fixtures\/bad\/exits\.mjs:\d+:\d+\)$/] }],
    ['nondeterministic.mjs', { 'f is nondeterministic': ['error', /^f is nondeterministic: two calls at the same input differ by /] }],
  ];
  for (const [module, bad] of cases) {
    test(module, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'gradproof-bad-'));
      const run = await gradproof(['check', `fixtures/bad/${module}`, '--runs', '10', '--seed', '5', '--workers', '1', '--format', 'json', '--report-dir', dir]);
      expect(run.code).toBe(1);
      expect(run.stderr).not.toMatch(STACK_LINE);
      const report = JSON.parse(readFileSync(join(dir, 'gradproof.json'), 'utf8')) as Report;
      const byName = new Map(report.checks.map((c) => [c.name, c]));
      expect([...byName.keys()].sort()).toEqual([...Object.keys(bad), GOOD].sort());
      expect(byName.get(GOOD)?.status).toBe('pass');
      for (const [name, [status, message]] of Object.entries(bad)) {
        const c = byName.get(name)!;
        expect(c.status).toBe(status);
        expect(c.message).toMatch(message);
      }
      expect(report.incomplete).toBeUndefined();
    });
  }
});

describe('a check that never returns: an error verdict after --timeout, the others still run', () => {
  for (const workers of ['1', '2']) {
    test(`hangs.mjs with --timeout 2 --workers ${workers}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'gradproof-hang-'));
      const run = await gradproof(['check', 'fixtures/bad/hangs.mjs', '--runs', '10', '--seed', '5', '--timeout', '2', '--workers', workers, '--format', 'json', '--report-dir', dir]);
      expect(run.code).toBe(1);
      expect(run.stderr).not.toMatch(STACK_LINE);
      const report = JSON.parse(readFileSync(join(dir, 'gradproof.json'), 'utf8')) as Report;
      expect(report.checks.map((c) => [c.name, c.status, c.message])).toEqual([
        ['f loops forever', 'error', 'timed out after 2 s (--timeout)'],
        ['sum of squares (correct)', 'pass', undefined],
      ]);
      expect(report.config).toMatchObject({ timeout: 2 });
    });
  }
});
