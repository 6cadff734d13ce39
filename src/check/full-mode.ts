import { diagnose } from '../diagnose/index.js';
import { FLOAT64_BASE_STEP, FLOAT64_TWO_POINT_STEP, NOISE_SIGMAS, type FdOptions, RICHARDSON_NOISE, directionalDerivative, fdJacobian, refineColumn, stepFromNoise } from '../fd/index.js';
import { analyticJacobians } from './analytic.js';
import type { CheckContext } from './context.js';
import { taylorColumn } from './taylor-confirm.js';
import type { CheckOptions, EntryComparison, JacobianPair, TaylorSummary, Tolerance, Verdict } from './types.js';
import { UserCodeError } from './user-call.js';

/** Safety factor on each entry's finite-difference error estimate. */
export const ERROR_ESTIMATE_FACTOR = 2;

/** The tolerance of one entry: atol + rtol·max(|a|, |n|) + factor·(error estimate). */
export function entryTolerance(tol: Tolerance, analytic: number, numeric: number, errorEstimate: number): number {
  return tol.atol + tol.rtol * Math.max(Math.abs(analytic), Math.abs(numeric)) + ERROR_ESTIMATE_FACTOR * errorEstimate;
}

/**
 * Whether a ladder re-estimate (value, error, straddled) replaces an entry's first estimate: when the ladder shows
 * the first stencil straddling a kink near x, when it is more precise, or when the two disagree beyond both their
 * errors (the coarse stencil met something its error estimate did not see). A failing entry is never rescued by
 * an estimate that is merely less precise but consistent with the coarse one.
 */
export function refinementWins(e: { value: number; error: number; straddled: boolean }, value: number, error: number): boolean {
  return e.straddled || e.error < error || Math.abs(e.value - value) > ERROR_ESTIMATE_FACTOR * (e.error + error);
}

/** The error for finite differences that overflowed at output index i for the input entry `where` (as "W[3]"). */
export function overflowError(ctx: CheckContext, i: number, where: string): UserCodeError {
  return new UserCodeError(`finite differences overflowed at output index ${i} for ${where}: ${ctx.labels.f} changes by more than the largest double across the stencil`);
}

/** Relative error |a − n| / max(|a|, |n|), 0 when both are 0. */
export function relativeError(analytic: number, numeric: number): number {
  const d = Math.abs(analytic - numeric);
  const s = Math.max(Math.abs(analytic), Math.abs(numeric));
  return s === 0 ? 0 : d / s;
}

/** How far an entry's error goes past its tolerance (above 1 fails). */
export function excess(e: EntryComparison): number {
  if (Number.isNaN(e.absError)) return Infinity;
  if (e.tolerance > 0) return e.absError / e.tolerance;
  return e.absError > 0 ? Infinity : 0;
}

/**
 * The relative base step of the stencil: chosen from the noise of f that ECnoise accepted (the step that balances
 * truncation and noise, see stepFromNoise) once it has been measured, as it always is in float32 and in fast mode;
 * in float64 never below 2^-13, the step for roundoff-level noise.
 */
export function baseStepFor(ctx: CheckContext, rows?: readonly number[]): number {
  const floor = ctx.precision.name === 'float32' ? 2 ** -10 : FLOAT64_BASE_STEP;
  if (ctx.precision.name !== 'float32' && !ctx.noiseMeasured) return FLOAT64_BASE_STEP;
  const sigma = ctx.acceptedNoise();
  // Noise relative to the size of f near x (at x itself f may happen to be 0).
  const seen = ctx.valueScale();
  let noise = 0;
  let scale = 0;
  for (let i = 0; i < ctx.outSize; i++) scale = Math.max(scale, seen[i]);
  for (const i of rows ?? sigma.keys()) noise = Math.max(noise, sigma[i]);
  return stepFromNoise(scale > 0 ? noise / scale : ctx.precision.epsilon, floor, 2 ** -3);
}

/**
 * The finite-difference options of a full check at the given base step: the precision's epsilon, tiny and rounding,
 * the noise known so far (measured, or the spec's floor), and the two-point gate against the analytic `reference`.
 */
export function fdOptionsFor(ctx: CheckContext, baseStep: number, reference: Float64Array): FdOptions {
  const { precision, tol, outSize } = ctx;
  return {
    baseStep,
    epsilon: precision.epsilon,
    tiny: precision.tiny,
    round: precision.name === 'float32' ? precision.round : undefined,
    noise: ctx.noiseMeasured ? ctx.noise() : ctx.noiseFloor > 0 ? new Float64Array(outSize).fill(ctx.noiseFloor) : undefined,
    gate: { reference, atol: tol.atol, rtol: tol.rtol, step: baseStep === FLOAT64_BASE_STEP ? FLOAT64_TWO_POINT_STEP : baseStep },
  };
}

/** Per-input state of the full comparison: the finite-difference estimate of each entry and how its error is made. */
interface InputState {
  name: string;
  inSize: number;
  analytic: Float64Array;
  value: Float64Array;
  /** Truncation part of each entry's error estimate. */
  trunc: Float64Array;
  /** Per column: the noise part of an entry's error is noiseFactor[j] · σ_row, unless `coef` holds its own factor. */
  noiseFactor: Float64Array;
  /** Per entry, once some entry was re-estimated on a stencil of its own: the factor that replaces noiseFactor. */
  coef: Float64Array | undefined;
  /** σ per output row used for this input. */
  noise: Float64Array;
  /** The largest |f| per output row over the stencil points. */
  scale: Float64Array;
  kink: Uint8Array;
  /** Entries the Taylor test showed to be finite-difference artefacts. */
  refuted: Uint8Array;
  /** Per column: 1 when every entry agreed with the analytic one on two points (see fdJacobian's gate). */
  twoPoint: Uint8Array;
  /** What a two-point entry's disagreement with the analytic value counts for in its error (FdJacobian). */
  twoPointFactor: number;
  /** The other columns: the only ones where an entry can fail, look like a kink, or be re-examined. */
  open: Int32Array;
  /** Entries whose one-sided differences suggest a kink within the stencil. */
  suspect: Uint8Array;
  /** Entries where f did not move at all across the five-point stencil (see FdJacobian.still). */
  still: Uint8Array;
  /** The coarse step of each column. */
  steps: Float64Array;
}

const coefAt = (s: InputState, k: number, j: number): number => (s.coef ? s.coef[k] : s.noiseFactor[j]);
const errorAt = (s: InputState, i: number, j: number): number => {
  const k = i * s.inSize + j;
  return s.trunc[k] + coefAt(s, k, j) * s.noise[i];
};

/** Gives entry (i, j) a noise factor of its own. */
function setCoef(s: InputState, i: number, j: number, factor: number): void {
  if (!s.coef) {
    const coef = new Float64Array(s.trunc.length);
    for (let r = 0, k = 0; r < s.noise.length; r++) for (let c = 0; c < s.inSize; c++, k++) coef[k] = s.noiseFactor[c];
    s.coef = coef;
  }
  s.coef[i * s.inSize + j] = factor;
}

/** The rows of each open column where `pick` holds, by column (columns in order of their first such row). */
function openEntries(s: InputState, rows: number, pick: (i: number, j: number) => boolean): Map<number, number[]> {
  const byColumn = new Map<number, number[]>();
  for (let i = 0; i < rows; i++) {
    for (const j of s.open) {
      if (!pick(i, j)) continue;
      const list = byColumn.get(j);
      if (list) list.push(i);
      else byColumn.set(j, [i]);
    }
  }
  return byColumn;
}

/** The worst entries seen so far, failing ones first, then by how far they go past their tolerance (no full sort). */
export class WorstEntries {
  private readonly kept: { entry: EntryComparison; key: number }[] = [];
  constructor(private readonly size: number) {}
  /** Whether an entry with this key would be kept (build the entry only then). */
  wants(key: number): boolean {
    return this.kept.length < this.size || key > this.kept[this.kept.length - 1].key;
  }
  /** Whether the list holds as many entries as it keeps. */
  full(): boolean {
    return this.kept.length >= this.size;
  }
  /** The smallest key kept (Infinity when nothing is). */
  lowest(): number {
    return this.kept.length > 0 ? this.kept[this.kept.length - 1].key : Infinity;
  }
  /** Keeps the entry if its key is among the largest seen. */
  add(entry: EntryComparison, key: number): void {
    if (!this.wants(key)) return;
    let at = this.kept.length;
    while (at > 0 && !(this.kept[at - 1].key >= key)) at--;
    this.kept.splice(at, 0, { entry, key });
    if (this.kept.length > this.size) this.kept.pop();
  }
  /** Ranks the kept entries that `which` picks as passing ones (their failure was refuted), keeping the order. */
  demote(which: (e: EntryComparison) => boolean): void {
    for (const w of this.kept) if (which(w.entry) && w.key >= 1e300) w.key -= 1e300;
    this.kept.sort((p, q) => q.key - p.key);
  }
  /** The kept entries, worst first. */
  entries(): EntryComparison[] {
    return this.kept.map((w) => w.entry);
  }
}

/** What comparing every entry of one input found. */
interface InputComparison {
  maxAbsError: number;
  maxRelError: number;
  maxTolerance: number;
  maxNumeric: number;
  failing: number;
  anyRefuted: boolean;
}

/** The error estimate of entry k = (i, j) with noise σ_i: see compareInput. */
function entryError(s: InputState, k: number, j: number, sigma: number, absError: number): number {
  // A two-point entry's truncation part is its disagreement with the analytic value (see fdJacobian).
  return (s.twoPoint[j] ? s.twoPointFactor * absError : s.trunc[k]) + (s.coef ? s.coef[k] : s.noiseFactor[j]) * sigma;
}

/**
 * The report's per-entry error estimates and tolerances (NaN at kinks) of one input, as compareInput judged them:
 * built only when a report reads them (the Jacobians of a counterexample), never for a passing check.
 */
function errorAndTolerance(s: InputState, outSize: number, tol: Tolerance): { errorEstimate: Float64Array; tolerance: Float64Array } {
  const errorEstimate = new Float64Array(outSize * s.inSize);
  const tolerance = new Float64Array(outSize * s.inSize);
  for (let i = 0, k = 0; i < outSize; i++) {
    for (let j = 0; j < s.inSize; j++, k++) {
      const an = s.analytic[k];
      const nu = s.value[k];
      const err = entryError(s, k, j, s.noise[i], Math.abs(an - nu));
      errorEstimate[k] = err;
      tolerance[k] = s.kink[k] ? NaN : tol.atol + tol.rtol * Math.max(Math.abs(an), Math.abs(nu)) + ERROR_ESTIMATE_FACTOR * err;
    }
  }
  return { errorEstimate, tolerance };
}

/**
 * Compares every entry of one input with its tolerance, offering each entry to `worst`. (A small function of its
 * own: this loop visits every entry of the Jacobian, and the JIT optimizes it best apart from the rest of the check.)
 */
function compareInput(s: InputState, outSize: number, tol: Tolerance, worst: WorstEntries): InputComparison {
  const { atol, rtol } = tol;
  const { analytic, value, kink, refuted, inSize } = s;
  let maxAbsError = 0;
  let maxRelError = 0;
  let maxTolerance = 0;
  let maxNumeric = 0;
  let failing = 0;
  let anyRefuted = false;
  // The smallest key kept once the list is full (passing entries' keys are their ratios).
  let cut = worst.full() ? Math.min(worst.lowest(), 1e299) : 0;
  for (let i = 0, k = 0; i < outSize; i++) {
    const sigma = s.noise[i];
    for (let j = 0; j < inSize; j++, k++) {
      const an = analytic[k];
      const nu = value[k];
      const absError = Math.abs(an - nu);
      if (kink[k]) continue;
      const err = entryError(s, k, j, sigma, absError);
      const scale = Math.max(Math.abs(an), Math.abs(nu));
      // entryTolerance and relativeError, written out.
      const t = atol + rtol * scale + ERROR_ESTIMATE_FACTOR * err;
      if (refuted[k]) anyRefuted = true;
      if (absError > maxAbsError) maxAbsError = absError;
      const over = !(absError <= t);
      const fails = over && !refuted[k];
      // Relative figures only mean something for entries the finite differences resolve (|n| above the tolerance).
      if ((Math.abs(nu) > 2 * t || over) && scale > 0 && absError > maxRelError * scale) maxRelError = absError / scale;
      if (t > maxTolerance) maxTolerance = t;
      if (Math.abs(nu) > maxNumeric) maxNumeric = Math.abs(nu);
      if (fails) failing++;
      // A passing entry whose ratio absError / t cannot reach the kept ones is skipped without dividing.
      if (!fails && !(absError > cut * t) && worst.full()) continue;
      const ratio = Number.isNaN(absError) ? Infinity : t > 0 ? absError / t : absError > 0 ? Infinity : 0;
      // Failing entries rank above every other; within each group, by how far past the tolerance.
      const key = (fails ? 1e300 : 0) + Math.min(ratio, 1e299);
      if (worst.wants(key)) {
        worst.add({ input: s.name, outIndex: i, inIndex: j, analytic: an, numeric: nu, absError, relError: relativeError(an, nu), errorEstimate: err, tolerance: t }, key);
        cut = worst.full() ? Math.min(worst.lowest(), 1e299) : 0;
      }
    }
  }
  return { maxAbsError, maxRelError, maxTolerance, maxNumeric, failing, anyRefuted };
}

/**
 * Full mode: the whole finite-difference Jacobian of each differentiated input, every entry compared with its own
 * tolerance: a column whose central differences plainly agree with the analytic values costs 2 evaluations per
 * entry, the others 4 (Richardson); entries that fail or look like a kink are re-examined on a ladder of smaller
 * steps; a failure that survives is checked against the measured noise of f (ECnoise) and, on noisy or float32
 * functions, confirmed by the Taylor test before it is reported.
 */
export function fullCheck(ctx: CheckContext, options: CheckOptions = {}): Verdict {
  const { tol, precision, wrt, outSize } = ctx;
  const f0 = ctx.f0.data;
  const maxEntries = options.maxEntries ?? 10;
  const a = analyticJacobians(ctx.spec, ctx.working, wrt, ctx.f0.shape, ctx.labels.derivative);
  ctx.derivativeCalls += a.calls;
  ctx.checkMutation(ctx.labels.derivative);

  const baseStep = baseStepFor(ctx);
  const round = precision.name === 'float32' ? precision.round : undefined;
  const states: InputState[] = [];
  let kinks = 0;
  const tolAt = (s: InputState, i: number, j: number): number => {
    const k = i * s.inSize + j;
    return entryTolerance(tol, s.analytic[k], s.value[k], errorAt(s, i, j));
  };
  const fails = (s: InputState, i: number, j: number): boolean => {
    const k = i * s.inSize + j;
    return !s.kink[k] && !s.refuted[k] && !(Math.abs(s.analytic[k] - s.value[k]) <= tolAt(s, i, j));
  };

  wrt.forEach((name, b) => {
    const buffer = ctx.buffers[b];
    const inSize = buffer.length;
    const fd = fdJacobian((j, into) => ctx.evaluateGuarded(b, j, into), buffer, f0, fdOptionsFor(ctx, baseStep, a.jacobians[name]));
    ctx.checkMutation(`${ctx.labels.f} (during finite differences)`);
    const n = outSize * inSize;
    // A two-point column's values lie within a finite distance of the analytic ones: only open columns can overflow.
    for (let i = 0; i < outSize; i++) {
      for (const j of fd.openColumns) {
        if (!Number.isFinite(fd.value[i * inSize + j])) throw overflowError(ctx, i, `${name}[${j}]`);
      }
    }
    states.push({
      name,
      inSize,
      analytic: a.jacobians[name],
      value: fd.value,
      trunc: fd.truncation,
      noiseFactor: fd.noiseFactor,
      coef: undefined,
      noise: fd.noise,
      scale: fd.scale,
      kink: new Uint8Array(n),
      refuted: new Uint8Array(n),
      twoPoint: fd.twoPoint,
      twoPointFactor: fd.twoPointFactor,
      open: fd.openColumns,
      suspect: fd.kinkSuspect,
      still: fd.still,
      steps: fd.steps,
    });
  });

  const anyFailing = (): boolean => {
    for (const s of states) for (let i = 0; i < outSize; i++) for (const j of s.open) if (fails(s, i, j)) return true;
    return false;
  };
  // Before an entry is re-examined or reported, it is held against the measured noise of f: the pooled fourth
  // differences can miss noise that cancellation puts into f, and a kink inflates them in its own row (ECnoise and
  // a fit at random offsets see it along lines through all the inputs). Passing checks never pay for this.
  // A row whose pooled noise stands far above one rounding of its values is noisy too: its step deserves a look.
  const noisyRow = (s: InputState, i: number): boolean => s.noise[i] > 64 * precision.epsilon * s.scale[i] + precision.tiny;
  let anyNoisy = false;
  if (precision.name !== 'float32') for (const s of states) for (let i = 0; i < outSize && !anyNoisy; i++) anyNoisy = noisyRow(s, i);
  const anySuspect = states.some((s) => s.suspect.indexOf(1) >= 0);
  if (anyNoisy || anySuspect || anyFailing()) {
    const sigma = ctx.noise(2);
    for (const s of states) s.noise = s.noise.map((v, i) => Math.max(v, sigma[i]));
  }
  // Where the measured noise calls for a larger step than the one taken, failing entries and noise-bound entries of
  // noisy rows are measured again with it (4 evaluations per column). Two-point columns agree with the analytic
  // values whatever the noise and are left alone.
  if (ctx.noiseMeasured && precision.name !== 'float32') {
    states.forEach((s, b) => {
      const columns = openEntries(s, outSize, (i, j) => {
        const k = i * s.inSize + j;
        // Failing entries, and entries whose error is mostly noise, in a noisy row.
        return fails(s, i, j) || (noisyRow(s, i) && coefAt(s, k, j) * s.noise[i] > s.trunc[k]);
      });
      for (const [j, rows] of columns) {
        // A larger step would step over a kink at x: columns that look like one keep their step for the ladder.
        if (Array.from({ length: outSize }, (_, i) => s.suspect[i * s.inSize + j]).some(Boolean)) continue;
        const h = baseStepFor(ctx, rows) * Math.max(Math.abs(ctx.buffers[b][j]), 1);
        if (!(h > s.steps[j] * 1.5)) continue;
        const unit = ctx.buffers.map((buf, c) => {
          const e = new Float64Array(buf.length);
          if (c === b) e[j] = 1;
          return e;
        });
        const dd = directionalDerivative((_) => ctx.evaluateGuarded(b, j), ctx.buffers, unit, h, f0, s.noise, { precision });
        const stretch = dd.tangent[b][j];
        for (const i of rows) {
          const k = i * s.inSize + j;
          const error = dd.error[i] / Math.abs(stretch);
          if (!(error < errorAt(s, i, j))) continue;
          s.value[k] = dd.value[i] / stretch;
          const factor = (NOISE_SIGMAS * RICHARDSON_NOISE) / Math.abs(h * stretch);
          setCoef(s, i, j, factor);
          s.trunc[k] = Math.max(error - factor * s.noise[i], 0);
        }
        s.steps[j] = h;
      }
    });
  }
  // Entries that still fail, or look like a kink, are re-examined on a ladder of smaller steps.
  states.forEach((s, b) => {
    const toRefine = openEntries(s, outSize, (i, j) => fails(s, i, j) || s.suspect[i * s.inSize + j] === 1);
    for (const [j, rows] of toRefine) {
      const r = refineColumn((c) => ctx.evaluateGuarded(b, c), ctx.buffers[b], f0, j, s.steps[j], rows, s.noise, {
        epsilon: precision.epsilon,
        round,
        kinkNoise: ctx.acceptedNoise(),
      });
      for (const e of r.entries) {
        const k = e.row * s.inSize + j;
        if (e.kink) {
          s.kink[k] = 1;
          kinks++;
          continue;
        }
        if (refinementWins(e, s.value[k], errorAt(s, e.row, j))) {
          s.value[k] = e.value;
          s.trunc[k] = e.truncation;
          setCoef(s, e.row, j, e.noiseFactor);
        }
      }
    }
    if (toRefine.size > 0) ctx.checkMutation(`${ctx.labels.f} (during finite differences)`);
  });

  // The Taylor test, which needs no step and no noise estimate, confirms a failure before it is reported.
  let taylor: TaylorSummary | undefined;
  if (anyFailing()) {
    const columns: { b: number; j: number; worst: number }[] = [];
    states.forEach((s, b) => {
      for (let i = 0; i < outSize; i++) {
        for (const j of s.open) {
          if (!fails(s, i, j)) continue;
          const k = i * s.inSize + j;
          const over = Math.abs(s.analytic[k] - s.value[k]) / tolAt(s, i, j);
          const c = columns.find((c) => c.b === b && c.j === j);
          if (c) c.worst = Math.max(c.worst, over);
          else columns.push({ b, j, worst: over });
        }
      }
    });
    columns.sort((p, q) => q.worst - p.worst);
    for (const { b, j } of columns.slice(0, 3)) {
      const s = states[b];
      const col = (arr: Float64Array) => Float64Array.from({ length: outSize }, (_, i) => arr[i * s.inSize + j]);
      const t = taylorColumn(ctx, b, j, col(s.analytic), col(s.value), ctx.acceptedNoise());
      if (t.outcome === 'refuted') {
        for (let i = 0; i < outSize; i++) s.refuted[i * s.inSize + j] = 1;
      }
      if (!taylor || (taylor.outcome === 'refuted' && t.outcome !== 'refuted')) taylor = t;
    }
  }

  // One pass over the entries: the figures of the verdict, the failing count, and the worst `maxEntries` entries.
  const pairs: JacobianPair[] = [];
  const worst = new WorstEntries(maxEntries);
  let maxAbsError = 0;
  let maxRelError = 0;
  let sensitivity = 0;
  let anyRefuted = false;
  let failingCount = 0;
  for (const s of states) {
    const c = compareInput(s, outSize, tol, worst);
    maxAbsError = Math.max(maxAbsError, c.maxAbsError);
    maxRelError = Math.max(maxRelError, c.maxRelError);
    anyRefuted ||= c.anyRefuted;
    failingCount += c.failing;
    if (c.maxNumeric > 0) sensitivity = Math.max(sensitivity, c.maxTolerance / c.maxNumeric);
    // The arrays belong to this check alone: the verdict takes them without a copy. The error and tolerance arrays
    // are built when first read (a report of a counterexample reads them; a passing check's never are).
    let built: { errorEstimate: Float64Array; tolerance: Float64Array } | undefined;
    const lazily = (): { errorEstimate: Float64Array; tolerance: Float64Array } => (built ??= errorAndTolerance(s, outSize, tol));
    const shape = [outSize, s.inSize];
    pairs.push({
      input: s.name,
      inputShape: [...ctx.snapshot[s.name].shape],
      outputShape: [...ctx.f0.shape],
      analytic: { shape, data: s.analytic },
      numeric: { shape: [...shape], data: s.value },
      errorEstimate: { shape: [...shape], get data() { return lazily().errorEstimate; } },
      tolerance: { shape: [...shape], get data() { return lazily().tolerance; } },
    });
  }
  const status = failingCount > 0 ? 'fail' : kinks > 0 ? 'nondifferentiable' : 'pass';
  const verdict: Verdict = {
    status,
    hints: [],
    diagnoses: [],
    entries: worst.entries(),
    maxAbsError,
    maxRelError,
    evaluations: ctx.evaluations,
    derivativeCalls: ctx.derivativeCalls,
    kinks,
    jacobians: pairs,
  };
  if (taylor) verdict.taylor = taylor;
  // Sensitivity: in every input, an error in a single entry larger than this fraction of that input's largest
  // entry exceeds the entry's tolerance (it is the largest tolerance over the largest entry).
  if (status === 'pass' && sensitivity > 0 && !anyRefuted) verdict.sensitivity = sensitivity;
  if (status === 'pass' && anyRefuted && taylor) {
    verdict.message = `finite differences disagreed in ${taylor.input}[${taylor.inIndex}], but the Taylor test clears the analytic derivative (remainder slope ${taylor.slope.toFixed(2)}, finite differences ${taylor.numericSlope.toFixed(2)})`;
  }
  if (status === 'fail') {
    verdict.diagnoses = diagnose(pairs, ctx.snapshot, Object.fromEntries(states.map((s) => [s.name, s.still])));
    verdict.hints = verdict.diagnoses.map((d) => d.hint);
  }
  if (status === 'nondifferentiable') verdict.message = `${kinks} Jacobian ${kinks === 1 ? 'entry sits' : 'entries sit'} at a kink: the one-sided differences disagree`;
  return verdict;
}
