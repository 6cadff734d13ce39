// The decision that lets a source checkout run dist/ instead of the sources through tsx: only a complete build
// that is newer than every source counts as fresh (a stale build must never run).
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { distIsFresh } from '../bin/dist-fresh.mjs';

let root: string;
const T = 1_700_000_000; // seconds; only the order of the times matters

/** Writes a file under root with the given modification time (seconds). */
function put(rel: string, mtime: number): void {
  const file = join(root, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, '');
  utimesSync(file, mtime, mtime);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'gradproof-dist-fresh-'));
  put('src/index.ts', T);
  put('src/api/run-pool.ts', T);
  put('src/api/run-pool.test.ts', T + 100); // tests are not built: editing one leaves the build fresh
  put('src/report/sample.fixture.ts', T + 100);
  put('dist/index.js', T + 10);
  put('dist/index.d.ts', T + 10);
  put('dist/api/run-pool.js', T + 10);
  put('dist/api/run-pool.js.map', T + 10);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

test('a complete build written after every source is fresh', () => {
  expect(distIsFresh(root)).toBe(true);
});

test('a source changed after the build makes it stale', () => {
  utimesSync(join(root, 'src/api/run-pool.ts'), T + 20, T + 20);
  expect(distIsFresh(root)).toBe(false);
});

test('a source changed in the same instant as the build counts as changed after it', () => {
  utimesSync(join(root, 'src/index.ts'), T + 10, T + 10);
  expect(distIsFresh(root)).toBe(false);
});

test('a source the build lacks (a new module) makes it stale', () => {
  put('src/api/new-module.ts', T);
  expect(distIsFresh(root)).toBe(false);
});

test('a built module whose source is gone (a deleted module) makes it stale', () => {
  put('dist/api/removed.js', T + 10);
  expect(distIsFresh(root)).toBe(false);
});

test('no dist/, or no src/, is not a fresh build', () => {
  rmSync(join(root, 'dist'), { recursive: true });
  expect(distIsFresh(root)).toBe(false);
  rmSync(join(root, 'src'), { recursive: true });
  expect(distIsFresh(root)).toBe(false);
});
