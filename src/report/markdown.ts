import type { CheckResult, Counterexample, JsonJacobianPair } from '../property/types.js';
import { inlineTensor } from './console.js';
import { escapeMarkdown as md, markdownFence } from './escape.js';
import { diagnosesOf, entryLabel, failureSummary, fastModeLegend, formatError, formatPair, headline, indexLabel, replayCommand, shapeText, shownMaxRelError, weakSensitivityNote, worstWrongEntries } from './format.js';
import type { Report } from './model.js';

/** How the Markdown report is laid out. */
export interface MarkdownOptions {
  /** Largest error matrix shown, in rows and in columns; larger ones show a window around the worst entry. @defaultValue 8 */
  maxMatrix?: number;
  /** Worst entries listed per failure. @defaultValue 5 */
  maxEntries?: number;
}

const ICON: Record<CheckResult['status'], string> = { pass: '✅', fail: '❌', error: '💥', nondifferentiable: '⚠️' };

/** A window of `size` consecutive indices out of n that contains `centre`, as close to centred as fits. */
export function windowAround(n: number, size: number, centre: number): [number, number] {
  if (n <= size) return [0, n];
  const start = Math.max(0, Math.min(n - size, centre - Math.floor(size / 2)));
  return [start, start + size];
}

/**
 * The error matrix (analytic − numeric) of one input's Jacobian as a Markdown table, clipped to a window of at most
 * `max` rows and columns around its worst entry, which is shown in bold.
 */
export function errorMatrix(pair: JsonJacobianPair, max: number): string {
  const [rows, cols] = pair.analytic.shape;
  const diff = (i: number, j: number) => (pair.analytic.data[i * cols + j] ?? NaN) - (pair.numeric.data[i * cols + j] ?? NaN);
  let wi = 0;
  let wj = 0;
  let worst = -1;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const d = diff(i, j);
      const m = Number.isNaN(d) ? Infinity : Math.abs(d);
      if (m > worst) [worst, wi, wj] = [m, i, j];
    }
  }
  const [r0, r1] = windowAround(rows, max, wi);
  const [c0, c1] = windowAround(cols, max, wj);
  const head = ['', ...range(c0, c1).map((j) => md(indexLabel(pair.input, pair.inputShape, j)))];
  if (c1 < cols) head.push('…');
  if (c0 > 0) head.splice(1, 0, '…');
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, k) => (k === 0 ? ':---' : '---:')).join('|')}|`];
  const rowLine = (cells: string[]) => `| ${cells.join(' | ')} |`;
  if (r0 > 0) lines.push(rowLine(['…', ...head.slice(1).map(() => '')]));
  for (const i of range(r0, r1)) {
    const cells = [md(indexLabel('out', pair.outputShape, i))];
    if (c0 > 0) cells.push('…');
    for (const j of range(c0, c1)) {
      const d = diff(i, j);
      const text = d === 0 ? '0' : formatError(d);
      cells.push(i === wi && j === wj && worst > 0 ? `**${text}**` : text);
    }
    if (c1 < cols) cells.push('…');
    lines.push(rowLine(cells));
  }
  if (r1 < rows) lines.push(rowLine(['…', ...head.slice(1).map(() => '')]));
  return lines.join('\n');
}

function range(a: number, b: number): number[] {
  return Array.from({ length: Math.max(0, b - a) }, (_, k) => a + k);
}

function entriesTable(check: CheckResult, ce: Counterexample, max: number): string {
  const entries = worstWrongEntries(check, max);
  if (entries.length === 0) return '';
  const rows = entries.map((e) => {
    const [a, n] = formatPair(e.analytic, e.numeric);
    return `| ${md(entryLabel(ce, e))} | ${a} | ${n} | ${formatError(e.absError)} | ${formatError(e.relError)} |`;
  });
  return ['| entry | analytic | numeric | abs err | rel err |', '|:---|---:|---:|---:|---:|', ...rows].join('\n');
}

/** The counterexample's inputs on one line: name = values (shape); the values are numbers, safe in a code span. */
function inputsLine(ce: Counterexample): string {
  return Object.entries(ce.inputs)
    .map(([name, t]) => `${md(name)} = \`${inlineTensor(t)}\` (${shapeText(t.shape)}${ce.wrt.includes(name) ? '' : ', held fixed'})`)
    .join(', ');
}

function failureSection(report: Report, check: CheckResult, o: Required<MarkdownOptions>): string {
  const ce = check.counterexample;
  const out: string[] = [`### ${ICON[check.status]} ${md(check.name)}`, ''];
  out.push(md(failureSummary(check, false)), '');
  if (check.message && check.status === 'fail' && ce && ce.entries.length > 0) out.push(md(check.message), '');
  for (const d of diagnosesOf(check)) out.push(`- **Hint: ${md(d.hint)}**${d.detail && d.detail !== d.hint ? ` — ${md(d.detail)}` : ''}`);
  if (diagnosesOf(check).length > 0) out.push('');
  if (check.notice) out.push(`Note: ${md(check.notice)}`, '');
  if (ce) {
    const shrunk = check.shrinks !== undefined ? `, shrunk ${check.shrinks} times` : '';
    out.push(`Counterexample (found at input ${check.runs}${shrunk}): ${inputsLine(ce)}`, '');
    const table = entriesTable(check, ce, o.maxEntries);
    if (table) out.push(table, '');
    if (check.status === 'fail') {
      for (const pair of ce.jacobians ?? []) {
        const [rows, cols] = pair.analytic.shape;
        if (rows === 0 || cols === 0) continue;
        const clipped = rows > o.maxMatrix || cols > o.maxMatrix ? `, a ${Math.min(rows, o.maxMatrix)}×${Math.min(cols, o.maxMatrix)} window around the worst entry` : '';
        out.push(`Error analytic − numeric of ∂out/∂${md(pair.input)} (${rows}×${cols}${clipped}):`, '', errorMatrix(pair, o.maxMatrix), '');
      }
    }
  }
  const replay = replayCommand(check, report.config);
  if (replay) {
    const fence = markdownFence(replay);
    out.push('Replay:', '', `${fence}sh`, replay, fence, '');
  }
  return out.join('\n');
}

/** The report as Markdown for a pull-request comment: a summary table, then one section per check that did not pass. */
export function formatMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const o: Required<MarkdownOptions> = { maxMatrix: options.maxMatrix ?? 8, maxEntries: options.maxEntries ?? 5 };
  const s = report.summary;
  const title = `## ${s.failed + s.errors > 0 ? '❌' : report.incomplete || s.nondifferentiable > 0 ? '⚠️' : '✅'} gradproof: ${headline(s, report.incomplete)}`;
  const out: string[] = [title, ''];
  out.push(`${s.passed} passed · ${s.failed} failed · ${s.nondifferentiable} nondifferentiable · ${s.errors} ${s.errors === 1 ? 'error' : 'errors'} — gradproof ${report.tool.version}${report.incomplete ? ' · **incomplete: the run was stopped early**' : ''}`, '');
  out.push('| | check | runs | max rel err | sensitivity | evals |', '|---|:---|---:|---:|---:|---:|');
  for (const c of report.checks) {
    out.push(`| ${ICON[c.status]} | ${md(c.name)} | ${c.runs} | ${formatError(shownMaxRelError(c))} | ${formatError(c.sensitivity)} | ${c.evaluations} |`);
  }
  out.push('');
  const notes = report.checks.filter((c) => c.status === 'pass' && c.notice).map((c) => `- Note on ${md(c.name)}: ${md(c.notice!)}`);
  for (const c of report.checks) {
    const weak = weakSensitivityNote(c);
    if (weak) notes.push(`- Note on ${md(c.name)}: ${md(weak)}`);
  }
  const legend = fastModeLegend(report.config);
  if (legend) notes.push(`- ${md(legend)}`);
  out.push(...notes);
  if (notes.length > 0) out.push('');
  for (const c of report.checks) if (c.status !== 'pass') out.push(failureSection(report, c, o));
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}
