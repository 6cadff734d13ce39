// End to end: Ctrl-C (SIGINT) during a long run writes the report of the checks finished so far, marked
// incomplete, and exits 130.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import type { Report } from '../src/report/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));

test('SIGINT after the first check finished: exit 130 and an incomplete report of the finished checks', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gradproof-sigint-'));
  const env = { ...process.env };
  delete env.FORCE_COLOR;
  const child = spawn(process.execPath, ['bin/gradproof.mjs', 'check', 'fixtures/bad/slow.mjs', '--runs', '20', '--seed', '1', '--format', 'json,md', '--report-dir', dir], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let sent = false;
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += String(chunk);
    // The first progress line says the first check finished.
    if (!sent && /^\[1\/6\] /m.test(stderr)) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  expect(sent).toBe(true);
  expect(code).toBe(130);
  expect(stderr).toMatch(/^gradproof: interrupted: the report holds the \d of 6 checks that finished$/m);
  expect(stderr).not.toMatch(/^\s+at /m);
  const report = JSON.parse(readFileSync(join(dir, 'gradproof.json'), 'utf8')) as Report;
  expect(report.incomplete).toBe(true);
  expect(report.checks.length).toBeGreaterThanOrEqual(1);
  expect(report.checks.length).toBeLessThan(6);
  expect(report.summary.checks).toBe(report.checks.length);
  expect(report.checks.map((c) => c.status)).toEqual(report.checks.map(() => 'pass'));
  expect(readFileSync(join(dir, 'gradproof.md'), 'utf8')).toContain('incomplete: the run was stopped early');
  // Its headline does not read as a green run.
  expect(readFileSync(join(dir, 'gradproof.md'), 'utf8')).toMatch(/^## ⚠️ gradproof: Stopped early: the (one check|\d checks) that finished passed$/m);
  // Merged, the interrupted report says why the merge ends as the interrupted run did.
  const merged = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const m = spawn(process.execPath, ['bin/gradproof.mjs', 'merge', join(dir, 'gradproof.json'), '--format', 'json', '--report-dir', join(dir, 'merged')], { cwd: root, env });
    let err = '';
    m.stderr.on('data', (chunk: Buffer) => (err += String(chunk)));
    m.on('close', (c) => resolve({ code: c, stderr: err }));
  });
  expect(merged.code).toBe(130);
  expect(merged.stderr).toBe(`gradproof: ${join(dir, 'gradproof.json')} comes from an interrupted run: the merged report is incomplete (exit code 130, as the interrupted run's)\n`);
});

test('SIGINT while the modules still load: one line, exit 130, no stack trace', async () => {
  const env = { ...process.env };
  delete env.FORCE_COLOR;
  const dir = mkdtempSync(join(tmpdir(), 'gradproof-sigint-early-'));
  // The module takes 5 s to load; the signal comes after 1.5 s, well inside that and after the CLI is up.
  const child = spawn(process.execPath, ['bin/gradproof.mjs', 'check', 'fixtures/bad/slow-load.mjs', '--report-dir', dir], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)));
  const timer = setTimeout(() => child.kill('SIGINT'), 1500);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  expect(code).toBe(130);
  expect(stderr).toBe('gradproof: interrupted before any check ran\n');
});

test('SIGINT while the reports are written (every check finished): the reports finish, the run exits as it would have', async () => {
  const env = { ...process.env };
  delete env.FORCE_COLOR;
  const dir = mkdtempSync(join(tmpdir(), 'gradproof-sigint-late-'));
  const child = spawn(process.execPath, ['bin/gradproof.mjs', 'check', 'fixtures/several.ts', '--runs', '5', '--seed', '1', '--format', 'json,md,html,junit,console', '--report-dir', dir], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += String(chunk)));
  // The first report file (a temporary one, before its rename) appears: the checks are done, the writing has begun.
  let sent = false;
  const watcher = watch(dir, (_event, name) => {
    if (sent || String(name).startsWith('.gradproof-probe')) return;
    sent = true;
    child.kill('SIGINT');
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  watcher.close();
  expect(sent).toBe(true);
  // One check of three fails on purpose: exit 1, the console report printed, all four files written, none half.
  expect(code).toBe(1);
  expect(stdout).toContain('3 checks: 2 passed, 1 failed');
  expect(readdirSync(dir).sort()).toEqual(['gradproof.html', 'gradproof.json', 'gradproof.md', 'gradproof.xml']);
});
