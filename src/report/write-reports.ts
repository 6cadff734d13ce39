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
