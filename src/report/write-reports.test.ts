import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { main } from '../cli/main.js';
import { constructedReport } from './sample.fixture.js';
import { parseFormats, REPORT_FORMATS, writeReports } from './write-reports.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gradproof-reports-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

describe('writeReports', () => {
  test('writes gradproof.json, .md, .html and .xml, and leaves no temporary file behind', async () => {
    const written = await writeReports(constructedReport(), { dir });
    expect(written).toEqual(['json', 'md', 'html', 'xml'].map((ext) => join(dir, `gradproof.${ext}`)));
    expect((await readdir(dir)).sort()).toEqual(['gradproof.html', 'gradproof.json', 'gradproof.md', 'gradproof.xml']);
    expect(JSON.parse(await readFile(join(dir, 'gradproof.json'), 'utf8')).summary).toEqual({ checks: 4, passed: 1, failed: 1, nondifferentiable: 1, errors: 1 });
    expect(await readFile(join(dir, 'gradproof.xml'), 'utf8')).toMatch(/^<\?xml/);
  });

  test('writes only the formats asked for; console is not a file', async () => {
    expect(await writeReports(constructedReport(), { dir, formats: ['console', 'md'] })).toEqual([join(dir, 'gradproof.md')]);
    expect(await readdir(dir)).toEqual(['gradproof.md']);
  });
});

describe('parseFormats', () => {
  test('reads a comma-separated list, ignoring case, spaces and repeats', () => {
    expect(parseFormats('console, JSON,md,md')).toEqual(['console', 'json', 'md']);
    expect(parseFormats(REPORT_FORMATS.join(','))).toEqual([...REPORT_FORMATS]);
  });

  test('names an unknown format in a one-line error', () => {
    expect(() => parseFormats('json,pdf')).toThrow('unknown report format "pdf"; choose from console, json, md, html, junit');
    expect(() => parseFormats(' , ')).toThrow(/no report format given/);
  });
});

describe('gradproof catalog --format', () => {
  test('writes every report file by default and prints the console report', async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    const code = await main(['catalog', '--runs', '3', '--seed', '7', '--report-dir', dir]);
    expect(code).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['gradproof.html', 'gradproof.json', 'gradproof.md', 'gradproof.xml']);
    expect(out.join('')).toContain(`report: ${join(dir, 'gradproof.html')}`);
  });

  test('writes only the chosen formats, and rejects an unknown one as bad usage', async () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
    expect(await main(['catalog', '--runs', '3', '--report-dir', dir, '--format', 'junit'])).toBe(0);
    expect(await readdir(dir)).toEqual(['gradproof.xml']);
    expect(await main(['catalog', '--report-dir', dir, '--format', 'pdf'])).toBe(2);
    expect(err.join('')).toContain('unknown report format "pdf"');
  });
});
