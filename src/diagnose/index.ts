import type { Diagnosis, JacobianPair, NamedTensors } from '../check/types.js';
import { unflatten } from '../tensor/index.js';

/** One Jacobian pair flattened for hypothesis tests; kink entries (NaN tolerance) are left out. */
interface Flat {
  a: Float64Array;
  n: Float64Array;
  tol: Float64Array;
  rows: number;
  cols: number;
  pair: JacobianPair;
  /** The differentiated input's values at the point, when known. */
  inputValues?: Float64Array;
  /** 1 where f did not move at all across the entry's stencil, when known. */
  still?: Uint8Array;
}

/** Slack for a hypothesis "analytic ≈ H(numeric)": the entry's tolerance plus a little for H's own rounding. */
function slack(f: Flat, k: number, a: number, h: number): number {
  const t = Number.isNaN(f.tol[k]) ? Infinity : f.tol[k];
  return 2 * t + 1e-9 * (Math.abs(a) + Math.abs(h));
}

function failing(f: Flat): number[] {
  const out: number[] = [];
  for (let k = 0; k < f.a.length; k++) {
    if (Number.isNaN(f.tol[k])) continue;
    if (!(Math.abs(f.a[k] - f.n[k]) <= f.tol[k])) out.push(k);
  }
  return out;
}

/** True when analytic ≈ hyp(k) at every entry, and some entry is clearly nonzero. */
function holds(f: Flat, hyp: (k: number) => number): boolean {
  let nonzero = false;
  for (let k = 0; k < f.a.length; k++) {
    if (Number.isNaN(f.tol[k])) continue;
    const h = hyp(k);
    if (!(Math.abs(f.a[k] - h) <= slack(f, k, f.a[k], h))) return false;
    if (Math.abs(h) > f.tol[k]) nonzero = true;
  }
  return nonzero;
}

/** The analytic Jacobian is the numeric one transposed: as a whole, or within each row reshaped to a square input. */
function transposed(f: Flat): Diagnosis | undefined {
  const { rows, cols, n } = f;
  // A nearly symmetric Jacobian off by a little fits its own transpose as well as itself: the transpose explains
  // nothing there (a layer norm's Jacobian with its eps dropped: a uniform scale of 1 + 3.5e-6).
  if (holds(f, (k) => n[k])) return undefined;
  if (rows === cols && rows > 1 && holds(f, (k) => n[(k % cols) * cols + Math.floor(k / cols)])) {
    return { hint: 'transposed', detail: `the analytic Jacobian of ${f.pair.input} is the transpose of the numeric one` };
  }
  const s = f.pair.inputShape;
  if (s.length === 2 && s[0] === s[1] && s[0] > 1) {
    const p = s[0];
    const hyp = (k: number) => {
      const row = Math.floor(k / cols);
      const c = k % cols;
      const i = Math.floor(c / p);
      const j = c % p;
      return n[row * cols + j * p + i];
    };
    if (holds(f, hyp)) return { hint: 'transposed', detail: `the derivative for ${f.pair.input} is transposed (∂/∂${f.pair.input}ᵀ in place of ∂/∂${f.pair.input})` };
  }
  return undefined;
}

const NICE_FACTORS = [2, 0.5, 3, 1 / 3, 4, 0.25, 10, 0.1, -2, -0.5];

/** Formats a factor as "2", "1/2", "-1/3" or with three significant digits. */
export function formatFactor(c: number): string {
  for (const d of [2, 3, 4, 10]) {
    if (Math.abs(c * d - Math.round(c * d)) < 1e-6 && Math.abs(Math.round(c * d)) === 1) return `${Math.sign(c) < 0 ? '-' : ''}1/${d}`;
  }
  if (Math.abs(c - Math.round(c)) < 1e-6) return String(Math.round(c));
  // Close to ±1, three digits would read "1.00": show how far from it it is.
  if (Math.abs(Math.abs(c) - 1) < 5e-3) {
    const a = Math.abs(c);
    return `${c < 0 ? '−' : ''}(1 ${a < 1 ? '−' : '+'} ${Math.abs(a - 1).toExponential(1)})`;
  }
  return c.toPrecision(3);
}

/** The analytic Jacobian is a constant multiple of the numeric one (−1: sign flipped). */
function scaled(f: Flat): Diagnosis | undefined {
  let an = 0;
  let nn = 0;
  let count = 0;
  for (let k = 0; k < f.a.length; k++) {
    if (Number.isNaN(f.tol[k])) continue;
    an += f.a[k] * f.n[k];
    nn += f.n[k] * f.n[k];
    if (Math.abs(f.n[k]) > f.tol[k]) count++;
  }
  if (nn === 0 || count === 0) return undefined;
  let c = an / nn;
  // Snap to a simple factor when it fits as well: a single entry cannot tell 2.0000001 from 2, nor a float32
  // finite difference −1.0000013 from −1 (the nearest simple factor that holds within every entry's tolerance).
  const nice = [-1, ...NICE_FACTORS]
    .sort((p, q) => Math.abs(c - p) - Math.abs(c - q))
    .find((q) => Math.abs(c - q) <= 1e-6 * Math.abs(q) || holds(f, (k) => q * f.n[k]));
  if (nice !== undefined) c = nice;
  if (Math.abs(c - 1) < 1e-6) return undefined;
  if (count === 1 && nice === undefined) return undefined; // one entry: any number is "a multiple"
  if (!holds(f, (k) => c * f.n[k])) return undefined;
  if (c === -1) return { hint: 'sign-flipped', detail: `the derivative for ${f.pair.input} has the wrong sign (analytic = −numeric)`, factor: -1 };
  return { hint: 'scaled', detail: `the derivative for ${f.pair.input} is off by a constant factor: analytic = ${formatFactor(c)} × numeric`, factor: c };
}

/** The wrong entries are exactly where one side is zero and the other is not (a missing or extra mask). */
function mask(f: Flat, bad: number[]): Diagnosis | undefined {
  if (bad.length === 0) return undefined;
  let missing = 0;
  for (const k of bad) {
    const nZero = Math.abs(f.n[k]) <= f.tol[k];
    const aZero = Math.abs(f.a[k]) <= f.tol[k];
    if (nZero === aZero) return undefined;
    if (nZero) missing++;
  }
  let agreeing = 0;
  for (let k = 0; k < f.a.length; k++) {
    if (!Number.isNaN(f.tol[k]) && Math.abs(f.n[k]) > f.tol[k] && Math.abs(f.a[k] - f.n[k]) <= f.tol[k]) agreeing++;
  }
  // Without agreeing entries the pattern still stands when f does not move at all where the analytic claims it
  // does (numeric exactly 0): the hallmark of an inactive ReLU unit, even when every unit is inactive.
  // An exact 0 at an input entry that is itself 0 proves nothing: an even function (sin x² at x = 0) has a
  // central difference of exactly 0 there by symmetry. So the entry moved must be nonzero, or f must not have
  // moved at all across the stencil (an even function moves, symmetrically; an inactive unit does not).
  const value = f.inputValues;
  const exactlyIndependent = bad.every((k) => f.n[k] === 0 && (f.still?.[k] === 1 || (value !== undefined && value[k % f.cols] !== 0)));
  if (agreeing === 0 && !exactlyIndependent) return undefined;
  const what = missing === bad.length ? 'nonzero where the function does not depend on the input (a missing mask, as with ReLU′)' : 'zero where the function does depend on the input (a mask applied where it should not be)';
  return { hint: 'mask', detail: `${bad.length} ${bad.length === 1 ? 'entry' : 'entries'} of ∂f/∂${f.pair.input} ${bad.length === 1 ? 'is' : 'are'} ${what}`, count: bad.length };
}

/** A few isolated entries are wrong and the rest agree. */
function wrongEntries(f: Flat, bad: number[]): Diagnosis | undefined {
  const total = f.a.length;
  if (bad.length === 0 || bad.length >= total) return undefined;
  if (bad.length > Math.max(3, Math.floor(total / 4))) return undefined;
  // A scalar f's entries are named by the input's index alone ([7], or [0, 1] in a matrix); others by output and
  // input index (out[1]/W[1, 2]), the input's index unflattened as the entry tables show it.
  const shape = f.pair.inputShape;
  const inputIndex = (j: number): string => `[${shape.length <= 1 ? j : unflatten(j, shape).join(', ')}]`;
  const where = bad.slice(0, 3).map((k) => (f.rows === 1 ? inputIndex(k % f.cols) : `out[${Math.floor(k / f.cols)}]/${f.pair.input}${inputIndex(k % f.cols)}`)).join(', ');
  return {
    hint: 'wrong-entries',
    detail: `${bad.length} of ${total} entries of ∂f/∂${f.pair.input} are wrong, the rest agree: ${where}${bad.length > 3 ? ', …' : ''}`,
    count: bad.length,
  };
}

/** Names the likely mistake behind a failing comparison; empty when the evidence supports none. */
export function diagnose(pairs: readonly JacobianPair[], inputs?: NamedTensors, still?: Readonly<Record<string, Uint8Array>>): Diagnosis[] {
  const out: Diagnosis[] = [];
  for (const pair of pairs) {
    const [rows, cols] = pair.analytic.shape;
    const f: Flat = { a: pair.analytic.data, n: pair.numeric.data, tol: pair.tolerance.data, rows, cols, pair, inputValues: inputs?.[pair.input]?.data, still: still?.[pair.input] };
    const bad = failing(f);
    if (bad.length === 0) continue;
    const d = transposed(f) ?? scaled(f) ?? mask(f, bad) ?? wrongEntries(f, bad);
    if (d) out.push(d);
  }
  // One hint per kind: keep the first diagnosis of each.
  return out.filter((d, i) => out.findIndex((e) => e.hint === d.hint) === i);
}
