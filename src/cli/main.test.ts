import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import type { Report } from '../report/index.js';
import { ExitCode } from './exit-code.js';
import { main } from './main.js';
import { parseFormats, parseSeed, parseShard } from './options.js';
import type { CliIo } from './progress.js';
import { shardOf } from './run-command.js';

/** Streams that collect what the command writes (not a TTY, so plain output). */
function capture(): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, done) {
        append(String(chunk));
        done();
      },
    });
  return { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), env: {}, out: () => out, err: () => err };
}

const fixture = (name: string) => new URL(`../../fixtures/${name}`, import.meta.url).pathname;
const reportDir = () => mkdtempSync(join(tmpdir(), 'gradproof-cli-'));

describe('option parsing', () => {
  test('--shard takes i/n with 1 ≤ i ≤ n', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    expect(() => parseShard('3/2')).toThrow('--shard must be i/n with 1 ≤ i ≤ n, e.g. 2/4, got "3/2"');
    expect(() => parseShard('0/2')).toThrow();
  });

  test('--format takes a list of known formats', () => {
    expect(parseFormats('json, md,json')).toEqual(['json', 'md']);
    expect(() => parseFormats('json,pdf')).toThrow('unknown report format "pdf"');
  });

  test('--seed takes a 32-bit whole number', () => {
    expect(parseSeed('-42')).toBe(-42);
    expect(() => parseSeed('1.5')).toThrow();
  });

  test('shards split checks by index, deterministically and without overlap', () => {
    const items = Array.from({ length: 7 }, (_, i) => i);
    const shards = [1, 2, 3].map((index) => shardOf(items, { index, count: 3 }));
    expect(shards).toEqual([[0, 3, 6], [1, 4], [2, 5]]);
  });
});

describe('main', () => {
  test('--help lists every option with its default', async () => {
    const io = capture();
    expect(await main(['check', '--help'], io)).toBe(ExitCode.Pass);
    const help = io.out().replace(/\n\s+/g, ' ');
    for (const option of ['--runs <n>', '--seed <n>', '--path <path>', '--mode <mode>', '--probes <n>', '--miss-probability <p>', '--atol <x>', '--rtol <x>', '--float32', '--filter <text>', '--shard <i/n>', '--report-dir <dir>', '--format <list>', '--json', '--debug']) {
      expect(help).toMatch(new RegExp(`${option.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} .*?\\(default: [^)]+\\)`));
    }
  });

  test('checks a module and prints the JSON report, with one status per spec', async () => {
    const io = capture();
    const dir = reportDir();
    const code = await main(['check', fixture('several.ts'), '--runs', '10', '--seed', '3', '--json', '--report-dir', dir], io);
    expect(code).toBe(ExitCode.Discrepancy);
    const report = JSON.parse(io.out()) as Report;
    expect(report.checks.map((c) => [c.name, c.status])).toEqual([
      ['softplus sum', 'pass'],
      ['sin of square, chain rule forgotten', 'fail'],
      ['log-sum-exp', 'pass'],
    ]);
    expect(report.config).toMatchObject({ command: 'check', runs: 10, seed: 3 });
    expect(JSON.parse(readFileSync(join(dir, 'gradproof.json'), 'utf8'))).toEqual(report);
  });

  test('prints a summary, the failure with its replay command, and no colour when not a TTY', async () => {
    const io = capture();
    const code = await main(['check', fixture('several.ts'), '--runs', '10', '--seed', '3', '--report-dir', reportDir(), '--filter', 'chain rule'], io);
    expect(code).toBe(ExitCode.Discrepancy);
    expect(io.out()).toContain('1 check: 0 passed, 1 failed');
    expect(io.out()).toMatch(/^FAIL sin of square, chain rule forgotten {2}\(\S*several\.ts\)$/m);
    expect(io.out()).toMatch(/replay: gradproof check \S*several\.ts --filter 'sin of square, chain rule forgotten' --seed 3 --path \S+/);
    expect(io.out() + io.err()).not.toMatch(/\u001b\[/);
    expect(io.err()).toMatch(/^\[1\/1\] fail +sin of square, chain rule forgotten {2}\(\d+ runs?, .+\)\n$/);
  });

  test('--mode fast checks with directional probes', async () => {
    const io = capture();
    const code = await main(['check', fixture('several.ts'), '--filter', 'softplus', '--runs', '5', '--seed', '1', '--mode', 'fast', '--format', 'console', '--report-dir', reportDir()], io);
    expect(code).toBe(ExitCode.Pass);
    expect(io.out()).toMatch(/softplus sum +5 +pass/);
  });

  test('--probes and --miss-probability shape what fast mode states, and the report records them', async () => {
    const run = async (probes: string, miss: string) => {
      const io = capture();
      const argv = ['check', fixture('several.ts'), '--filter', 'softplus', '--runs', '5', '--seed', '1', '--mode', 'fast', '--probes', probes, '--miss-probability', miss, '--json', '--report-dir', reportDir()];
      expect(await main(argv, io)).toBe(ExitCode.Pass);
      return JSON.parse(io.out()) as Report;
    };
    const one = await run('1', '0.01');
    const eight = await run('8', '0.01');
    expect(one.config).toMatchObject({ mode: 'fast', probes: 1, missProbability: 0.01 });
    expect(one.checks[0].missProbability).toBe(0.01);
    // More probes catch smaller errors at the same miss probability.
    expect(eight.checks[0].sensitivity!).toBeLessThan(one.checks[0].sensitivity!);
    // Given to a full-mode run, they say they do nothing there (and the run goes on).
    const io = capture();
    expect(await main(['check', fixture('several.ts'), '--filter', 'softplus', '--runs', '2', '--seed', '1', '--probes', '2', '--format', 'console', '--report-dir', reportDir()], io)).toBe(ExitCode.Pass);
    expect(io.err()).toContain('gradproof: --probes applies only to checks run in fast mode (--mode fast, or a vjp spec over --max-jacobian-entries)\n');
    for (const [flag, value, message] of [
      ['--probes', '0', '--probes must be a positive whole number, got "0"'],
      ['--miss-probability', '1', '--miss-probability must lie strictly between 0 and 1, got "1"'],
    ]) {
      const io = capture();
      expect(await main(['check', fixture('several.ts'), '--mode', 'fast', flag, value], io)).toBe(ExitCode.Usage);
      expect(io.err()).toContain(message);
    }
  });

  test('usage errors exit with 2 and one line', async () => {
    const cases: [string[], string][] = [
      [['check', fixture('several.ts'), '--filter', 'nothing like it'], 'gradproof: --filter "nothing like it" matches none of the 3 checks\n'],
      [['check', fixture('several.ts'), '--path', '1:2'], 'gradproof: --path replays a counterexample only together with its --seed\n'],
      [['check', 'no/such/file.ts'], 'gradproof: cannot load no/such/file.ts: no such file\n'],
    ];
    for (const [argv, message] of cases) {
      const io = capture();
      expect(await main(argv, io)).toBe(ExitCode.Usage);
      expect(io.err()).toBe(message);
    }
    const io = capture();
    expect(await main(['check', fixture('several.ts'), '--shard', '3/2'], io)).toBe(ExitCode.Usage);
    expect(io.err()).toContain('--shard must be i/n');
  });

  test('writes the report files of the formats asked for, and only those', async () => {
    const io = capture();
    const dir = reportDir();
    const code = await main(['check', fixture('several.ts'), '--filter', 'softplus', '--runs', '5', '--seed', '1', '--format', 'json,md,junit', '--report-dir', dir], io);
    expect(code).toBe(ExitCode.Pass);
    expect(['gradproof.json', 'gradproof.md', 'gradproof.xml', 'gradproof.html'].map((f) => existsSync(join(dir, f)))).toEqual([true, true, true, false]);
    expect(io.out()).toBe(''); // no console format: nothing on stdout
  });

  test('catalog --list prints the entries; with --json, as JSON', async () => {
    const io = capture();
    expect(await main(['catalog', '--list', '--json'], io)).toBe(ExitCode.Pass);
    const list = JSON.parse(io.out()) as { name: string; section: string; mutants: string[] }[];
    expect(list).toContainEqual(expect.objectContaining({ name: 'example-1/linear-map', section: 'Example 1' }));
    const text = capture();
    await main(['catalog', '--list'], text);
    expect(text.out()).toMatch(/^example-1\/linear-map +Example 1: /m);
  });
});
