import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatConsoleReport, plain, type Paint } from './console.js';
import { formatHtml } from './html.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatMarkdown } from './markdown.js';
import type { Report } from './model.js';
import { writeAtomic } from './write-atomic.js';

/** The report formats: console goes to stdout, the others to files. */
export const REPORT_FORMATS = ['console', 'json', 'md', 'html', 'junit'] as const;

/** One report format. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The file each format is written to, inside the report directory. */
export const REPORT_FILES: Record<Exclude<ReportFormat, 'console'>, string> = {
  json: 'gradproof.json',
  md: 'gradproof.md',
  html: 'gradproof.html',
  junit: 'gradproof.xml',
};

/** Parses a comma-separated format list such as `console,json,md`; throws a one-line error naming an unknown one. */
export function parseFormats(list: string): ReportFormat[] {
  const names = list
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  if (names.length === 0) throw new Error(`no report format given; choose from ${REPORT_FORMATS.join(', ')}`);
  for (const n of names) {
    if (!(REPORT_FORMATS as readonly string[]).includes(n)) throw new Error(`unknown report format "${n}"; choose from ${REPORT_FORMATS.join(', ')}`);
  }
  return [...new Set(names)] as ReportFormat[];
}

/** The text of a report in one format (console text is uncoloured unless a Paint is given). */
export function formatReport(report: Report, format: ReportFormat, paint: Paint = plain): string {
  switch (format) {
    case 'console':
      return formatConsoleReport(report, paint);
    case 'json':
      return formatJson(report);
    case 'md':
      return formatMarkdown(report);
    case 'html':
      return formatHtml(report);
    case 'junit':
      return formatJunit(report);
  }
}

/** Where and in which formats to write reports. */
export interface WriteReportsOptions {
  /** The report directory. @defaultValue 'reports' */
  dir?: string;
  /** Formats to write; `console` is not a file and is skipped here. @defaultValue every file format */
  formats?: readonly ReportFormat[];
}

/** Writes the report's files (gradproof.json, .md, .html, .xml) atomically and resolves to their paths. */
export async function writeReports(report: Report, options: WriteReportsOptions = {}): Promise<string[]> {
  const dir = options.dir ?? 'reports';
  const formats = options.formats ?? REPORT_FORMATS;
  const written: string[] = [];
  for (const format of formats) {
    if (format === 'console') continue;
    const path = join(dir, REPORT_FILES[format]);
    await writeAtomic(path, formatReport(report, format));
    written.push(path);
  }
  return written;
}

/** Why a report directory cannot be written, in words (from a Node.js file-system error code). */
function reasonOf(e: unknown): string {
  const code = (e as { code?: string }).code;
  switch (code) {
    case 'ENOTDIR':
    case 'EEXIST':
      return 'a file stands where a directory is needed';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return (e as Error).message ?? String(e);
  }
}

/** The one-line message for report files that could not be written to `dir`. */
export function reportDirFailure(dir: string, e: unknown): string {
  return `gradproof: cannot write reports to ${dir}: ${reasonOf(e)}`;
}

/** A report directory that cannot be written (one line, meant for the user). */
export class ReportDirError extends Error {
  override name = 'ReportDirError';
}

/**
 * Makes sure report files can be written to `dir` (creating it), before a run spends its time: throws a
 * ReportDirError saying why not. Does nothing when only the console format is asked for.
 */
export async function prepareReportDir(dir: string, formats: readonly ReportFormat[] = REPORT_FORMATS): Promise<void> {
  if (formats.every((f) => f === 'console')) return;
  const probe = join(dir, `.gradproof-probe.${process.pid}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (e) {
    throw new ReportDirError(reportDirFailure(dir, e));
  }
}
