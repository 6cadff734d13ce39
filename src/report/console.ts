import type { CheckResult, JsonTensor } from '../property/types.js';
import { diagnosesOf, entryLabel, failureSummary, fastModeLegend, formatError, formatNumber, formatPair, hintText, printable, replayCommand, shapeText, shownMaxRelError, weakSensitivityNote, worstWrongEntries } from './format.js';
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
  const rows = report.checks.map((c) => [printable(c.name), String(c.runs), c.status, fmt(shownMaxRelError(c)), fmt(c.sensitivity), String(c.evaluations)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const colour = (status: string, text: string) => (status === 'pass' ? paint.pass(text) : status === 'fail' || status === 'error' ? paint.fail(text) : paint.warn(text));
  const body = rows.map((r) => {
    const text = line(r);
    return colour(r[2], text);
  });
  const s = report.summary;
  const total = `${s.checks} ${s.checks === 1 ? 'check' : 'checks'}: ${s.passed} passed, ${s.failed} failed, ${s.nondifferentiable} nondifferentiable, ${s.errors} ${s.errors === 1 ? 'error' : 'errors'}`;
  return [paint.bold(line(header)), ...body, '', paint.bold(total + (report.incomplete ? ' (incomplete: the run was stopped early)' : ''))].join('\n');
}

/** A tensor on one line as nested brackets, the last dimension clipped to `max` values, the others to `maxOuter`. */
export function inlineTensor(t: JsonTensor, max = 6, maxOuter = 3): string {
  if (t.shape.length === 0) return formatNumber(t.data[0]);
  const strides = t.shape.map((_, d) => t.shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const walk = (d: number, offset: number): string => {
    const n = t.shape[d];
    const shown = Math.min(n, d === t.shape.length - 1 ? max : maxOuter);
    const items: string[] = [];
    for (let i = 0; i < shown; i++) items.push(d === t.shape.length - 1 ? formatNumber(t.data[offset + i]) : walk(d + 1, offset + i * strides[d]));
    if (shown < n) items.push(`… ${n - shown} more`);
    return `[${items.join(', ')}]`;
  };
  return walk(0, 0);
}

/** The worst entries as an aligned table: entry, analytic, numeric, abs error, rel error. */
export function formatEntries(check: CheckResult, limit = 5): string[] {
  const ce = check.counterexample;
  const entries = worstWrongEntries(check, limit);
  if (!ce || entries.length === 0) return [];
  const header = ['entry', 'analytic', 'numeric', 'abs err', 'rel err'];
  const rows = entries.map((e) => [entryLabel(ce, e), ...formatPair(e.analytic, e.numeric), formatError(e.absError), formatError(e.relError)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), ...rows.map(line)];
}

const STATUS_WORD: Record<CheckResult['status'], string> = { pass: 'PASS', fail: 'FAIL', error: 'ERROR', nondifferentiable: 'NONDIFFERENTIABLE' };

/**
 * What went wrong in one check that did not pass: the counterexample's inputs, the worst entries (analytic vs
 * numeric vs error), the hints with their evidence, and the command that replays it.
 */
export function formatFailure(check: CheckResult, config: Report['config'] = {}, paint: Paint = plain): string {
  const ce = check.counterexample;
  const colour = check.status === 'nondifferentiable' ? paint.warn : paint.fail;
  const out: string[] = [];
  out.push(`${colour(paint.bold(STATUS_WORD[check.status]))} ${paint.bold(printable(check.name))}${check.source ? paint.dim(`  (${check.source})`) : ''}`);
  out.push(`  ${failureSummary(check, false)}`);
  if (check.message && check.status === 'fail' && ce && ce.entries.length > 0) out.push(`  ${check.message}`);
  if (ce) {
    const found = [`found at input ${check.runs}`];
    if (check.shrinks !== undefined) found.push(`shrunk ${check.shrinks} ${check.shrinks === 1 ? 'time' : 'times'}`);
    out.push(paint.dim(`  counterexample (${found.join(', ')}):`));
    const names = Object.keys(ce.inputs);
    const width = Math.max(...names.map((n) => n.length));
    for (const name of names) {
      const t = ce.inputs[name];
      const role = ce.wrt.includes(name) ? 'differentiated' : 'held fixed';
      out.push(`    ${name.padEnd(width)} = ${inlineTensor(t)}  ${paint.dim(`(${shapeText(t.shape)}, ${role})`)}`);
    }
    const table = formatEntries(check);
    if (table.length > 0) out.push(`  ${paint.dim(table[0])}`, ...table.slice(1).map((l) => `  ${l}`));
  }
  for (const d of diagnosesOf(check)) out.push(`  ${paint.warn('hint:')} ${hintText(d)}`);
  if (check.notice) out.push(`  ${paint.dim('note:')} ${check.notice}`);
  // Kept only with --debug: the user's own exception, frame by frame.
  if (check.stack) out.push(...check.stack.split('\n').map((l) => `    ${paint.dim(l.trim())}`));
  const replay = replayCommand(check, config);
  if (replay) out.push(`  ${paint.dim('replay:')} ${replay}`);
  return out.join('\n');
}

/** The console report: a section per check that did not pass, the notices of passing checks, then the summary table. */
export function formatConsoleReport(report: Report, paint: Paint = plain): string {
  const failures = report.checks.filter((c) => c.status !== 'pass').map((c) => formatFailure(c, report.config, paint));
  // How a passing check was checked, when it was not the usual way (a streamed or fast-mode Jacobian over the budget).
  const notes = report.checks.filter((c) => c.status === 'pass' && c.notice).map((c) => `${paint.dim('note:')} ${printable(c.name)}: ${c.notice}`);
  // A pass that could not tell a wrong derivative from a right one at some input is worth saying so.
  for (const c of report.checks) {
    const weak = weakSensitivityNote(c);
    if (weak) notes.push(`${paint.dim('note:')} ${printable(c.name)}: ${weak}`);
  }
  const legend = fastModeLegend(report.config);
  if (legend) notes.push(paint.dim(legend));
  const notesBlock = notes.length > 0 ? [`${notes.join('\n')}\n`] : [];
  return [...failures.map((f) => `${f}\n`), ...notesBlock, formatSummaryTable(report, paint)].join('\n') + '\n';
}
