// End to end: the gradproof command run as a child process (node bin/gradproof.mjs, as after npm install)
// on the spec modules in fixtures/, one process per module; asserts exit codes and per-spec JSON statuses.
import { exec } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Report } from '../src/report/index.js';
import { gradproof, root, type Run } from './run-cli.js';

const reportDir = mkdtempSync(join(tmpdir(), 'gradproof-e2e-'));

/** Runs a command line through the shell, as a user pasting it would. */
function shell(command: string): Promise<Run> {
  return new Promise((resolve) => {
    exec(command, { cwd: root, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

/** Runs `gradproof check <module> --json` with few runs and a fixed seed; returns the exit code and report. */
async function check(module: string, ...extra: string[]): Promise<{ run: Run; report: Report }> {
  const run = await gradproof(['check', `fixtures/${module}`, '--runs', '20', '--seed', '2024', '--json', '--report-dir', reportDir, ...extra]);
  return { run, report: JSON.parse(run.stdout) as Report };
}

const statuses = (report: Report) => Object.fromEntries(report.checks.map((c) => [c.name, c.status]));

describe('gradproof check on correct derivatives (exit 0)', () => {
  const cases: [string, string][] = [
    ['dense-softmax.ts', 'dense softmax cross-entropy'], // gradient, TS, one-hot labels held constant
    ['linear-jacobian.mjs', 'linear map W x (jacobian)'], // jacobian, JS, ml-matrix results
    ['tanh-layer-vjp.ts', 'tanh layer (vjp)'], // vjp, TS, no import
    ['elementwise-jvp.js', 'elementwise x sin y + x² (jvp)'], // jvp, JS
    ['quadratic-form-arbitrary.ts', 'quadratic form xᵀ A x (arbitrary inputs)'], // inputs from fast-check
    ['relu-layer-vjp.mts', 'relu layer (vjp with mask)'], // kinks skipped, not failed
    ['float32.ts', 'float32 cubic'], // precision: 'float32'
  ];
  for (const [module, name] of cases) {
    test(module, async () => {
      const { run, report } = await check(module);
      expect(run.code).toBe(0);
      expect(statuses(report)).toEqual({ [name]: 'pass' });
    });
  }
});

describe('gradproof check on wrong derivatives (exit 1)', () => {
  const cases: [string, string][] = [
    ['wrong-transposed.ts', 'square linear map, transposed jacobian'],
    ['wrong-sign.mjs', 'sum of cosines, sign error'],
    ['wrong-missing-mask.ts', 'relu backward without the mask'],
    ['wrong-scaled.js', 'sum of squares, gradient half as large'],
  ];
  for (const [module, name] of cases) {
    test(module, async () => {
      const { run, report } = await check(module);
      expect(run.code).toBe(1);
      expect(statuses(report)).toEqual({ [name]: 'fail' });
      expect(report.checks[0].counterexample?.entries.length).toBeGreaterThan(0);
    });
  }

  test('wrong-non-square.ts: the stride bug shows only for a non-square W of at least two rows', async () => {
    const { run, report } = await check('wrong-non-square.ts');
    expect(run.code).toBe(1);
    expect(statuses(report)).toEqual({ 'weighted squares, row stride bug': 'fail' });
    const [m, n] = report.checks[0].counterexample!.inputs.W.shape;
    expect(m).toBeGreaterThanOrEqual(2);
    expect(m).not.toBe(n);
  });

  test('several.ts: every spec of a module gets its own status', async () => {
    const { run, report } = await check('several.ts');
    expect(run.code).toBe(1);
    expect(statuses(report)).toEqual({ 'softplus sum': 'pass', 'sin of square, chain rule forgotten': 'fail', 'log-sum-exp': 'pass' });
  });

  test('always-at-kink.ts: a check whose every input sits at a kink compared nothing, and is not a pass (exit 1)', async () => {
    const { run, report } = await check('always-at-kink.ts');
    expect(run.code).toBe(1);
    expect(statuses(report)).toEqual({ 'abs sum, only at its kink': 'nondifferentiable' });
    expect(report.checks[0].message).toMatch(/^\d+ of \d+ inputs sat at a kink, so the derivative was never compared/);
  });

  test('throws.mjs: a derivative that throws is an error, with a one-line message', async () => {
    const { run, report } = await check('throws.mjs');
    expect(run.code).toBe(1);
    expect(statuses(report)).toEqual({ 'vjp that throws': 'error' });
    expect(report.checks[0].message).toMatch(/^vjp threw: Cannot read properties of undefined \(reading 'data'\) \(at fixtures\/throws\.mjs:\d+:\d+\)$/);
    expect(report.checks[0].message).not.toContain('\n');
  });
});

describe('gradproof usage errors (exit 2, one line, no stack trace)', () => {
  const cases: [string[], RegExp][] = [
    [['check', 'fixtures/no-such-module.ts'], /^gradproof: cannot load fixtures\/no-such-module\.ts: no such file$/],
    [['check', 'fixtures/invalid-spec.ts'], /^gradproof: spec "dense layer" in fixtures\/invalid-spec\.ts: (?=.*dims\.m has min 3 > max 1)(?=.*gives gradient and vjp)(?=.*wrt names "z")/],
    [['check', 'fixtures/load-error.mjs'], /^gradproof: cannot load fixtures\/load-error\.mjs: cannot open weights\.bin$/],
    [['check', 'fixtures/several.ts', '--mode', 'turbo'], /^gradproof: option '--mode <mode>' argument 'turbo' is invalid/],
    [['check', 'fixtures/several.ts', '--runs', 'many'], /^gradproof: option '--runs <n>' argument 'many' is invalid/],
  ];
  for (const [args, message] of cases) {
    test(args.slice(1).join(' '), async () => {
      const run = await gradproof(args);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      const lines = run.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(run.stderr).not.toMatch(/^\s+at /m);
    });
  }

  test('no command at all: the help on stderr, exit 2 (--help alone: on stdout, exit 0)', async () => {
    const bare = await gradproof([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe('');
    expect(bare.stderr).toMatch(/^Usage: gradproof /);
    const help = await gradproof(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/130 interrupted/);
  });

  test('--debug adds the stack trace', async () => {
    const run = await gradproof(['check', 'fixtures/load-error.mjs', '--debug']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^\s+at /m);
  });

  test("--debug shows the stack of a checked function's own exception, down to where gradproof called it", async () => {
    const args = ['check', 'fixtures/bad/f-throws.mjs', '--seed', '1', '--runs', '5', '--format', 'console,json', '--report-dir', join(reportDir, 'debug')];
    const plainRun = await gradproof(args);
    expect(plainRun.stdout).not.toMatch(/^\s+at /m);
    const run = await gradproof([...args, '--debug']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^\s+Error: f is broken\n\s+at Object\.f \(file:\/\/.*fixtures\/bad\/f-throws\.mjs:7:11\)\n {2}replay:/m);
    const report = JSON.parse(readFileSync(join(reportDir, 'debug', 'gradproof.json'), 'utf8')) as Report;
    expect(report.checks.find((c) => c.status === 'error')?.stack).toMatch(/^Error: f is broken\n\s+at Object\.f /);
  });
});

describe('gradproof check across modules', () => {
  test('--shard i/n splits the checks of several modules without overlap or loss', async () => {
    const modules = ['fixtures/several.ts', 'fixtures/wrong-scaled.js', 'fixtures/elementwise-jvp.js'];
    const runs = await Promise.all(
      ['1/2', '2/2'].map((shard) => gradproof(['check', ...modules, '--runs', '5', '--seed', '1', '--json', '--shard', shard, '--report-dir', reportDir])),
    );
    const names = runs.map((r) => (JSON.parse(r.stdout) as Report).checks.map((c) => c.name));
    expect(names).toEqual([
      ['softplus sum', 'log-sum-exp', 'elementwise x sin y + x² (jvp)'],
      ['sin of square, chain rule forgotten', 'sum of squares, gradient half as large'],
    ]);
  });

  test('console output: a summary table and, for a failure, a command line that replays it', async () => {
    const first = await gradproof(['check', 'fixtures/wrong-scaled.js', '--runs', '20', '--seed', '7', '--report-dir', reportDir]);
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/^FAIL sum of squares, gradient half as large {2}\(fixtures\/wrong-scaled\.js\)$/m);
    expect(first.stdout).toMatch(/^check +runs +status/m);
    expect(first.stdout).toContain('1 check: 0 passed, 1 failed, 0 nondifferentiable, 0 errors');
    const firstReport = JSON.parse(readFileSync(join(reportDir, 'gradproof.json'), 'utf8')) as Report;
    const replay = /replay: gradproof (check fixtures\/wrong-scaled\.js .*)$/m.exec(first.stdout);
    expect(replay).not.toBeNull();
    const again = await shell(`node bin/gradproof.mjs ${replay![1]} --json --report-dir ${reportDir}`);
    expect(again.code).toBe(1);
    const againReport = JSON.parse(again.stdout) as Report;
    expect(againReport.checks[0].counterexample?.inputs).toEqual(firstReport.checks[0].counterexample?.inputs);
  });
});

describe('gradproof merge (sharded runs joined into one report)', () => {
  test('two shards of a module, merged, hold every spec once with the statuses of one whole run', async () => {
    const dirs = [1, 2].map((i) => join(reportDir, `shard-${i}`));
    for (const [i, dir] of dirs.entries()) {
      const run = await gradproof(['check', 'fixtures/several.ts', '--runs', '10', '--seed', '5', '--workers', '1', '--shard', `${i + 1}/2`, '--format', 'json', '--report-dir', dir]);
      expect([0, 1]).toContain(run.code);
    }
    const whole = await gradproof(['check', 'fixtures/several.ts', '--runs', '10', '--seed', '5', '--workers', '1', '--format', 'json', '--report-dir', join(reportDir, 'whole')]);
    const merged = await gradproof(['merge', ...dirs.map((d) => join(d, 'gradproof.json')), '--format', 'json,md', '--report-dir', join(reportDir, 'merged')]);
    expect(merged.code).toBe(whole.code);
    const m = JSON.parse(readFileSync(join(reportDir, 'merged', 'gradproof.json'), 'utf8')) as Report;
    const w = JSON.parse(readFileSync(join(reportDir, 'whole', 'gradproof.json'), 'utf8')) as Report;
    const statuses = (r: Report) => Object.fromEntries(r.checks.map((c) => [c.name, c.status]));
    expect(statuses(m)).toEqual(statuses(w));
    expect(m.checks.map((c) => c.name)).toEqual(w.checks.map((c) => c.name));
    expect(m.summary).toEqual(w.summary);
    expect(readFileSync(join(reportDir, 'merged', 'gradproof.md'), 'utf8')).toContain('sin of square, chain rule forgotten');
    // One shard alone (the other's CI job crashed) is not a whole run: one line, exit 2, no report written.
    const alone = await gradproof(['merge', join(dirs[0], 'gradproof.json'), '--format', 'json', '--report-dir', join(reportDir, 'alone')]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toBe('gradproof: shard 2/2 is missing (got 1/2): a merged report would leave its checks out\n');
    expect(existsSync(join(reportDir, 'alone'))).toBe(false);
  });

  test('a missing report is a one-line usage error', async () => {
    const run = await gradproof(['merge', 'no/such/report.json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('gradproof: cannot read no/such/report.json: no such file\n');
  });
});

describe('--filter', () => {
  test('a whole name selects that check alone, as a replay line needs; a part of names selects every check it is in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gradproof-filter-'));
    const module = join(dir, 'two.mjs');
    const spec = (name: string) => `{ name: '${name}', dims: { n: [1, 3] }, inputs: { x: ['n'] }, f: ({ x }) => x.data.reduce((s, v) => s + v * v, 0), gradient: ({ x }) => Array.from(x.data, (v) => 2 * v) }`;
    writeFileSync(module, `export default [${spec('dense')}, ${spec('dense v2')}];\n`);
    const names = async (filter: string) => {
      const run = await gradproof(['check', module, '--filter', filter, '--runs', '3', '--seed', '1', '--json', '--report-dir', join(dir, 'r')]);
      return (JSON.parse(run.stdout) as Report).checks.map((c) => c.name).sort();
    };
    expect(await names('dense')).toEqual(['dense']);
    expect(await names('dens')).toEqual(['dense', 'dense v2']);
  });
});

describe('gradproof into a pipe that closes early', () => {
  test('`catalog --list | head -1`: one line through, no EPIPE trace, exit 0', async () => {
    const r = await shell(`bash -c 'node bin/gradproof.mjs catalog --list | head -1; echo "status \${PIPESTATUS[0]}"'`);
    expect(r.stdout.split('\n')[0]).toMatch(/^definition-1\/column /);
    expect(r.stdout).toMatch(/status 0/);
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled/);
  });
});
