import type { EntryComparison } from '../check/types.js';
import type { CheckResult } from '../property/index.js';

/** How describeResult words things. */
export interface DescribeOptions {
  /** How to replay the failure from its seed and path, e.g. a command line. @defaultValue 'seed S, path "P"' */
  replay?: (seed: number, path: string | undefined) => string;
  /** How many of the worst entries to show. @defaultValue 5 */
  maxEntries?: number;
}

function unravel(index: number, shape: readonly number[] | undefined): string {
  if (!shape || shape.length <= 1) return shape && shape.length === 0 ? '' : `[${index}]`;
  const idx: number[] = [];
  let rest = index;
  for (let a = shape.length - 1; a >= 0; a--) {
    idx.unshift(rest % shape[a]);
    rest = Math.floor(rest / shape[a]);
  }
  return `[${idx.join(',')}]`;
}

const num = (x: number) => (Number.isFinite(x) ? (x === 0 ? '0' : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e5 ? String(Number(x.toPrecision(6))) : x.toExponential(4)) : String(x));
const err = (x: number) => (Number.isFinite(x) ? (x === 0 ? '0' : x.toExponential(1)) : String(x));

/** The label of one Jacobian entry, e.g. "∂f[2]/∂W[1,0]" (multi-indices when the shapes are known). */
export function entryLabel(e: EntryComparison, inputShape?: readonly number[], outputShape?: readonly number[]): string {
  const out = outputShape ? unravel(e.outIndex, outputShape) : `[${e.outIndex}]`;
  return `∂f${out}/∂${e.input}${unravel(e.inIndex, inputShape)}`;
}

/** The worst entries of a failing result as an aligned table, one line each. */
export function formatEntries(result: CheckResult, maxEntries = 5): string[] {
  const ce = result.counterexample;
  if (!ce || ce.entries.length === 0) return [];
  const shapeOf = (input: string) => ce.inputs[input]?.shape;
  const outShape = ce.jacobians?.[0]?.outputShape;
  const rows = ce.entries.slice(0, maxEntries).map((e) => [entryLabel(e, shapeOf(e.input), outShape), num(e.analytic), num(e.numeric), err(e.absError), err(e.relError), err(e.tolerance)]);
  const header = ['entry', 'analytic', 'numeric', 'abs err', 'rel err', 'tolerance'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

/** The shapes of the counterexample's inputs, e.g. "W [3, 2], x [2]". */
export function formatInputShapes(result: CheckResult): string {
  const ce = result.counterexample;
  if (!ce) return '';
  return Object.entries(ce.inputs)
    .map(([k, t]) => `${k} [${t.shape.join(', ')}]`)
    .join(', ');
}

/** A description of a result that did not pass: what went wrong, where, the worst entries, hints, and how to replay it. */
export function describeResult(result: CheckResult, options: DescribeOptions = {}): string {
  const replay = options.replay ?? ((seed, path) => `seed ${seed}${path ? `, path "${path}"` : ''}`);
  const lines: string[] = [];
  const hints = (result.diagnoses && result.diagnoses.length > 0 ? result.diagnoses.map((d) => `${d.hint} (${d.detail})`) : result.hints).join('; ');
  if (result.status === 'pass') {
    lines.push(`spec "${result.name}" passed ${result.runs} runs (max rel err ${err(result.maxRelError)}${result.sensitivity !== undefined ? `, sensitivity ${err(result.sensitivity)}` : ''})`);
  } else if (result.status === 'error') {
    lines.push(`spec "${result.name}": error: ${result.message ?? 'unknown error'}`);
  } else if (result.status === 'nondifferentiable') {
    lines.push(`spec "${result.name}": nondifferentiable: ${result.message ?? 'every input sat at a kink'}`);
  } else {
    lines.push(`spec "${result.name}": the derivative disagrees with finite differences${hints ? ` (hint: ${hints})` : ''}`);
    if (result.message) lines.push(`  ${result.message}`);
  }
  const ce = result.counterexample;
  if (ce && result.status !== 'pass') {
    const shrinks = result.shrinks ? ` after ${result.shrinks} shrink${result.shrinks === 1 ? '' : 's'}` : '';
    lines.push(`  at inputs ${formatInputShapes(result)}${shrinks}; wrt ${ce.wrt.join(', ')}`);
    if (Number.isFinite(ce.maxAbsError)) lines.push(`  max abs err ${err(ce.maxAbsError)}, max rel err ${err(ce.maxRelError)}`);
    const table = formatEntries(result, options.maxEntries ?? 5);
    if (table.length > 0) lines.push('  worst entries:', ...table.map((l) => `    ${l}`));
  }
  if (result.status !== 'pass') lines.push(`  replay: ${replay(result.seed, result.path)}`);
  return lines.join('\n');
}
