import { DEFAULT_MAX_JACOBIAN_ENTRIES, DEFAULT_MISS_PROBABILITY, DEFAULT_PROBES, type Diagnosis, type EntryComparison } from '../check/types.js';
import type { CheckResult, Counterexample } from '../property/types.js';
import type { Report } from './model.js';
import { unflatten } from '../tensor/index.js';

// The entry labels unflatten indices as the tensor module does (exported here too, as before).
export { unflatten };

/** A number for a person: up to 6 significant digits, exponent form for very large or small magnitudes. */
export function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined) return '-';
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e-4 && a < 1e6) return String(Number(x.toPrecision(6)));
  return x.toExponential(5).replace(/\.?0+e/, 'e');
}

/** A number with `digits` significant digits (exponent form for very large or small magnitudes). */
function withDigits(x: number, digits: number): string {
  if (x === 0 || !Number.isFinite(x)) return formatNumber(x);
  const a = Math.abs(x);
  if (a >= 1e-4 && a < 1e6) return String(Number(x.toPrecision(digits)));
  return x.toExponential(digits - 1).replace(/\.?0+e/, 'e');
}

/**
 * An analytic and a numeric value side by side, with enough significant digits (6 to 17) to show that they
 * differ when they do: `-0.99999990` vs `-0.99999980`, not `-1` vs `-1`.
 */
export function formatPair(a: number, n: number): [string, string] {
  if (a === n || !Number.isFinite(a) || !Number.isFinite(n)) return [formatNumber(a), formatNumber(n)];
  for (let digits = 6; digits < 17; digits++) {
    const pa = withDigits(a, digits);
    const pn = withDigits(n, digits);
    if (pa !== pn) return [pa, pn];
  }
  return [withDigits(a, 17), withDigits(n, 17)];
}

/** An error figure: two significant digits in exponent form, '-' when absent. */
export function formatError(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '-';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  return x === 0 ? '0' : x.toExponential(1);
}

/**
 * The max rel err a summary row shows: the counterexample's for a failing check, the passing inputs' for a pass,
 * none for a check that compared nothing (an error, or every input at a kink). A JSON report stores NaN as null,
 * so a merged report reads the same as the run it came from.
 */
export function shownMaxRelError(c: Pick<CheckResult, 'status' | 'maxRelError' | 'counterexample'>): number | undefined {
  if (c.status === 'error' || c.status === 'nondifferentiable') return undefined;
  const v = c.counterexample ? c.counterexample.maxRelError : c.maxRelError;
  return v === null || v === undefined || Number.isNaN(v) ? undefined : v;
}


/** An entry of a named tensor, e.g. `W[1,0]`; a scalar is just its name; an unknown shape gives the flat index. */
export function indexLabel(name: string, shape: readonly number[] | undefined, flat: number): string {
  if (shape === undefined) return `${name}[${flat}]`;
  if (shape.length === 0) return name;
  return `${name}[${unflatten(flat, shape).join(',')}]`;
}

/** A range of entries of a named tensor, e.g. `W[0,0]…W[0,3]`; one entry when first equals last. */
export function rangeLabel(name: string, shape: readonly number[] | undefined, first: number, last: number): string {
  return first === last ? indexLabel(name, shape, first) : `${indexLabel(name, shape, first)}…${indexLabel(name, shape, last)}`;
}

/** Shape of f's output at the counterexample, when the report knows it. */
export function outputShapeOf(ce: Counterexample | undefined): number[] | undefined {
  return ce?.outputShape ?? ce?.jacobians?.[0]?.outputShape;
}

/** Shape of a differentiated input at the counterexample, when the report knows it. */
export function inputShapeOf(ce: Counterexample | undefined, input: string): number[] | undefined {
  return ce?.jacobians?.find((p) => p.input === input)?.inputShape ?? ce?.inputs[input]?.shape;
}

/** The Jacobian entry an entry comparison is about, e.g. `∂out[2]/∂W[1,0]`. */
export function entryLabel(ce: Counterexample | undefined, e: Pick<EntryComparison, 'input' | 'outIndex' | 'inIndex'>): string {
  return `∂${indexLabel('out', outputShapeOf(ce), e.outIndex)}/∂${indexLabel(e.input, inputShapeOf(ce, e.input), e.inIndex)}`;
}

/** A shape for a person: `2×3`, `scalar` for shape []. */
export function shapeText(shape: readonly number[]): string {
  return shape.length === 0 ? 'scalar' : shape.join('×');
}

/** The entries that exceed their tolerance, worst first, at most `limit`. */
export function worstWrongEntries(check: CheckResult, limit = 5): EntryComparison[] {
  const entries = check.counterexample?.entries ?? [];
  // A NaN error reads back from JSON as null: it counts as wrong.
  return entries.filter((e) => typeof e.absError !== 'number' || !(e.absError <= e.tolerance)).slice(0, limit);
}

/**
 * The hints of a check with their evidence; a detail that only repeats the check's message (as for a shape
 * mismatch) or the hint's name is dropped.
 */
export function diagnosesOf(check: CheckResult): Diagnosis[] {
  const ds = check.diagnoses && check.diagnoses.length > 0 ? check.diagnoses : check.hints.map((hint) => ({ hint, detail: '' }));
  return ds.map((d) => (d.detail === check.message || d.detail === d.hint ? { ...d, detail: '' } : d));
}

/** One hint for a person, e.g. `scaled — analytic = 2 × numeric`. */
export function hintText(d: Diagnosis): string {
  return d.detail && d.detail !== d.hint ? `${d.hint} — ${d.detail}` : d.hint;
}

/** A word quoted for a POSIX shell when it needs quoting. */
export function shellQuote(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command that replays a check's counterexample, e.g.
 * `gradproof check specs.ts --filter 'dense layer' --seed 42 --path 3:1`; undefined for a passing check.
 */
export function replayCommand(check: CheckResult, config: Report['config'] = {}): string | undefined {
  if (check.status === 'pass') return undefined;
  const words = ['gradproof'];
  const modules = Array.isArray(config.modules) ? config.modules.filter((m): m is string => typeof m === 'string') : [];
  if (check.source !== undefined) words.push('check', shellQuote(check.source));
  else if (config.command === 'check') words.push('check', modules.length === 1 ? shellQuote(modules[0]) : '<module>');
  else words.push('catalog');
  words.push('--filter', shellQuote(check.name), '--seed', String(check.seed));
  if (check.path !== undefined) words.push('--path', shellQuote(check.path));
  for (const flag of ['atol', 'rtol'] as const) {
    const v = config[flag];
    if (typeof v === 'number') words.push(`--${flag}`, String(v));
  }
  if (config.float32 === true || config.precision === 'float32') words.push('--float32');
  // A fast-mode failure replays in fast mode, with the run's probes (full mode would check it differently).
  if (config.mode === 'fast') words.push('--mode', 'fast');
  // (Also in full mode: a vjp check over the Jacobian budget is checked in fast mode.)
  if (typeof config.probes === 'number' && config.probes !== DEFAULT_PROBES) words.push('--probes', String(config.probes));
  if (typeof config.missProbability === 'number' && config.missProbability !== DEFAULT_MISS_PROBABILITY) words.push('--miss-probability', String(config.missProbability));
  // A check that timed out replays under the same limit.
  if (typeof config.timeout === 'number' && config.timeout !== DEFAULT_TIMEOUT_SECONDS) words.push('--timeout', String(config.timeout));
  // The Jacobian budget decides whether a check is streamed, or (a vjp) checked in fast mode.
  if (typeof config.maxJacobianEntries === 'number' && config.maxJacobianEntries !== DEFAULT_MAX_JACOBIAN_ENTRIES) words.push('--max-jacobian-entries', String(config.maxJacobianEntries));
  return words.join(' ');
}

/** The time limit per check (seconds) when --timeout is not given. */
export const DEFAULT_TIMEOUT_SECONDS = 60;

/** A passing check's sensitivity above this is called out in the reports. */
export const WEAK_SENSITIVITY = 1e-2;

/** What a pass with a weak sensitivity means, or undefined for a check that is not one. */
export function weakSensitivityNote(check: CheckResult): string | undefined {
  if (check.status !== 'pass' || check.sensitivity === undefined || !(check.sensitivity > WEAK_SENSITIVITY)) return undefined;
  return `passed with sensitivity ${formatError(check.sensitivity)}: at some input an error of that size relative to the largest entry could go unseen (tiny entries next to their tolerance, or a kink near the input that no single entry shows; see README, How to read the columns)`;
}

/** How a fast-mode run states what a pass is worth, from the run's config; undefined for a full-mode run. */
export function fastModeLegend(config: Report['config'] = {}): string | undefined {
  if (config.mode !== 'fast') return undefined;
  const probes = typeof config.probes === 'number' ? config.probes : DEFAULT_PROBES;
  const miss = typeof config.missProbability === 'number' ? config.missProbability : DEFAULT_MISS_PROBABILITY;
  return `Fast mode: ${probes} random ${probes === 1 ? 'probe' : 'probes'} per input; a pass's sensitivity is the error size, relative to the largest entry, that the probes miss with probability at most ${miss} per input.`;
}

/** Text for a terminal: control characters (an ESC in a spec's name would drive the terminal) shown as \xNN escapes. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A duration for people: "412 ms" below a second, "1.5 s" above, "-" when unknown. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** One line saying what went wrong in a check that did not pass (naming its hints unless `withHints` is false). */
export function failureSummary(check: CheckResult, withHints = true): string {
  const ce = check.counterexample;
  if (check.status === 'fail' && ce && ce.entries.length > 0) {
    const worst = worstWrongEntries(check, 1)[0] ?? ce.entries[0];
    const count = ce.wrongEntries !== undefined && ce.totalEntries !== undefined ? `${ce.wrongEntries} of ${ce.totalEntries} Jacobian entries wrong; ` : '';
    const hints = withHints ? diagnosesOf(check).map((d) => d.hint) : [];
    const [a, n] = formatPair(worst.analytic, worst.numeric);
    return `${count}worst ${entryLabel(ce, worst)}: analytic ${a}, numeric ${n} (max abs err ${formatError(ce.maxAbsError)}, max rel err ${formatError(ce.maxRelError)})${hints.length > 0 ? `; hint: ${hints.join(', ')}` : ''}`;
  }
  if (check.message) return check.message;
  return check.status === 'fail' ? 'the derivative does not match the finite differences' : check.status;
}

/** The outcome of a run in a few words, e.g. `4 of 7 checks failed, 1 error` or `All 7 checks passed`. */
export function headline(summary: Report['summary'], incomplete = false): string {
  // An interrupted run's checks passing says nothing of the checks that never ran.
  if (incomplete) {
    const s = summary;
    if (s.failed + s.errors + s.nondifferentiable > 0) return `Stopped early: ${plainHeadline(s)}`;
    if (s.checks === 0) return 'Stopped early: no check finished';
    return `Stopped early: ${s.checks === 1 ? 'the one check that finished passed' : `the ${s.checks} checks that finished passed`}`;
  }
  return plainHeadline(summary);
}

function plainHeadline(summary: Report['summary']): string {
  const s = summary;
  if (s.failed + s.errors + s.nondifferentiable === 0) return `${s.checks === 1 ? 'The check' : `All ${s.checks} checks`} passed`;
  const parts: string[] = [];
  if (s.failed > 0) parts.push(`${s.failed} of ${s.checks} checks failed`);
  if (s.errors > 0) parts.push(`${s.errors} ${s.errors === 1 ? 'error' : 'errors'}${s.failed === 0 ? ` in ${s.checks} checks` : ''}`);
  // A check with too few inputs away from a kink was not checked as asked: not a pass (the run exits 1).
  if (s.nondifferentiable > 0) parts.push(`${s.nondifferentiable} with too few smooth inputs (most at a kink)${s.failed + s.errors === 0 ? ` in ${s.checks} checks` : ''}`);
  return parts.join(', ');
}
