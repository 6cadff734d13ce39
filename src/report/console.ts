import type { Report } from './model.js';

/** Colours applied at the edge; the identity when output is plain. */
export interface Paint {
  pass: (s: string) => string;
  fail: (s: string) => string;
  warn: (s: string) => string;
  dim: (s: string) => string;
  bold: (s: string) => string;
}

/** No colour at all. */
export const plain: Paint = { pass: (s) => s, fail: (s) => s, warn: (s) => s, dim: (s) => s, bold: (s) => s };

const fmt = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '-' : x === 0 ? '0' : x.toExponential(1));

/** A summary table: one row per check with runs, status, max relative error, sensitivity and evaluations. */
export function formatSummaryTable(report: Report, paint: Paint = plain): string {
  const header = ['check', 'runs', 'status', 'max rel err', 'sensitivity', 'evals'];
  const rows = report.checks.map((c) => [c.name, String(c.runs), c.status, fmt(c.counterexample?.maxRelError ?? c.maxRelError), fmt(c.sensitivity), String(c.evaluations)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const colour = (status: string, text: string) => (status === 'pass' ? paint.pass(text) : status === 'fail' || status === 'error' ? paint.fail(text) : paint.warn(text));
  const body = rows.map((r) => {
    const text = line(r);
    return colour(r[2], text);
  });
  const s = report.summary;
  const total = `${s.checks} checks: ${s.passed} passed, ${s.failed} failed, ${s.nondifferentiable} nondifferentiable, ${s.errors} errors`;
  return [paint.bold(line(header)), ...body, '', paint.bold(total)].join('\n');
}
