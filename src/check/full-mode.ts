import { diagnose } from '../diagnose/index.js';
import { FLOAT64_BASE_STEP, FLOAT64_TWO_POINT_STEP, NOISE_SIGMAS, type FdOptions, RICHARDSON_NOISE, directionalDerivative, fdJacobian, refineColumn, stepFromNoise } from '../fd/index.js';
import { analyticJacobians } from './analytic.js';
import type { CheckContext } from './context.js';
import { taylorColumn } from './taylor-confirm.js';
import { ERROR_ESTIMATE_FACTOR, WorstEntries, compareGrid, emptyStats, entryError, entryFails, entryTolerance, errorAndTolerance, markKink, setEntryNoiseFactor, type EntryGrid } from './compare.js';
import type { CheckOptions, EntryComparison, JacobianPair, TaylorSummary, Verdict } from './types.js';
import { UserCodeError } from './user-call.js';

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

/**
 * A notice for outputs of f that did not move within the finite-difference steps and were found to move only in
 * rounding steps further out (CheckContext.flatOutputs): their derivatives below about 3.3·step/h (the tolerance
 * of an entry that saw nothing) cannot be told from 0. Undefined when there are none.
 */
export function flatOutputsNotice(ctx: CheckContext, fast = false): string | undefined {
  const flat = [...ctx.flatOutputs];
  if (flat.length === 0) return undefined;
  const [i, { step, distance }] = flat.reduce((w, e) => (e[1].step > w[1].step ? e : w));
  const h = baseStepFor(ctx);
  // What the tolerance of an entry that saw nothing allows: twice its error, the Richardson noise term at σ = step/√12.
  const unresolved = (ERROR_ESTIMATE_FACTOR * NOISE_SIGMAS * RICHARDSON_NOISE * step) / (Math.sqrt(12) * h);
  const what = ctx.outSize === 1 ? ctx.labels.f : `output ${i} of ${ctx.labels.f}${flat.length > 1 ? ` (and ${flat.length - 1} more)` : ''}`;
  return (
    `${what} did not move at all within the finite-difference steps: along a random line it first moved ${Math.round(distance)}× further out, ` +
    `by one rounding step of ${step.toExponential(2)}, so its derivatives below about ${unresolved.toExponential(1)} (for an input entry of size 1) ` +
    `cannot be told from 0 and were checked only to that size${fast ? ' (a full-mode figure: fast mode\'s probes sum entries and resolve less)' : ''}; compute f without the rounding (log-softmax rather than the log of a softmax, say) to check them`
  );
}

/**
 * Per-input state of the full comparison: its entries as a row-major grid (the finite-difference estimate of each
 * and how its error is made) and what the steps before the comparison need.
 */
interface InputState extends EntryGrid {
  /** The largest |f| per output row over the stencil points. */
  scale: Float64Array;
  kink: Uint8Array;
  /** Entries the Taylor test showed to be finite-difference artefacts. */
  refuted: Uint8Array;
  /** The other columns: the only ones where an entry can fail, look like a kink, or be re-examined. */
  open: Int32Array;
  /** Entries whose one-sided differences suggest a kink within the stencil. */
  suspect: Uint8Array;
  /** Entries where f did not move at all across the five-point stencil (see FdJacobian.still). */
  still: Uint8Array;
  /** The coarse step of each column. */
  steps: Float64Array;
}

/** The error estimate of entry (i, j). */
const errorAt = (s: InputState, i: number, j: number): number => {
  const k = i * s.cols + j;
  return entryError(s, k, i, j, Math.abs(s.analytic[k] - s.value[k]));
};

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
    const k = i * s.cols + j;
    return entryTolerance(tol, s.analytic[k], s.value[k], errorAt(s, i, j));
  };
  const fails = (s: InputState, i: number, j: number): boolean => entryFails(s, tol, i, j);

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
      rows: outSize,
      cols: inSize,
      rowStride: inSize,
      colStride: 1,
      start: 0,
      analytic: a.jacobians[name],
      value: fd.value,
      trunc: fd.truncation,
      noiseFactor: fd.noiseFactor,
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
        const k = i * s.cols + j;
        // Failing entries, and entries whose error is mostly noise, in a noisy row.
        return fails(s, i, j) || (noisyRow(s, i) && (s.coef ? s.coef[k] : s.noiseFactor[j]) * s.noise[i] > s.trunc[k]);
      });
      for (const [j, rows] of columns) {
        // A larger step would step over a kink at x: columns that look like one keep their step for the ladder.
        if (Array.from({ length: outSize }, (_, i) => s.suspect[i * s.cols + j]).some(Boolean)) continue;
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
          const k = i * s.cols + j;
          const error = dd.error[i] / Math.abs(stretch);
          if (!(error < errorAt(s, i, j))) continue;
          s.value[k] = dd.value[i] / stretch;
          const factor = (NOISE_SIGMAS * RICHARDSON_NOISE) / Math.abs(h * stretch);
          setEntryNoiseFactor(s, i, j, factor);
          s.trunc[k] = Math.max(error - factor * s.noise[i], 0);
        }
        s.steps[j] = h;
      }
    });
  }
  // Entries that still fail, or look like a kink, are re-examined on a ladder of smaller steps.
  states.forEach((s, b) => {
    const toRefine = openEntries(s, outSize, (i, j) => fails(s, i, j) || s.suspect[i * s.cols + j] === 1);
    for (const [j, rows] of toRefine) {
      const r = refineColumn((c) => ctx.evaluateGuarded(b, c), ctx.buffers[b], f0, j, s.steps[j], rows, s.noise, {
        epsilon: precision.epsilon,
        round,
        kinkNoise: ctx.acceptedNoise(),
      });
      for (const e of r.entries) {
        const k = e.row * s.cols + j;
        if (e.kink) {
          markKink(s, e.row, j);
          kinks++;
          continue;
        }
        if (refinementWins(e, s.value[k], errorAt(s, e.row, j))) {
          s.value[k] = e.value;
          s.trunc[k] = e.truncation;
          setEntryNoiseFactor(s, e.row, j, e.noiseFactor);
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
          const k = i * s.cols + j;
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
      const col = (arr: Float64Array) => Float64Array.from({ length: outSize }, (_, i) => arr[i * s.cols + j]);
      const t = taylorColumn(ctx, b, j, col(s.analytic), col(s.value), ctx.acceptedNoise());
      if (t.outcome === 'refuted') {
        for (let i = 0; i < outSize; i++) s.refuted[i * s.cols + j] = 1;
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
    // Per input: the sensitivity is a figure of each input's own entries.
    const c = emptyStats();
    compareGrid(s, tol, worst, c);
    maxAbsError = Math.max(maxAbsError, c.maxAbsError);
    maxRelError = Math.max(maxRelError, c.maxRelError);
    anyRefuted ||= c.anyRefuted;
    failingCount += c.failing;
    if (c.maxNumeric > 0) sensitivity = Math.max(sensitivity, c.maxTolerance / c.maxNumeric);
    // The arrays belong to this check alone: the verdict takes them without a copy. The error and tolerance arrays
    // are built when first read (a report of a counterexample reads them; a passing check's never are).
    let built: { errorEstimate: Float64Array; tolerance: Float64Array } | undefined;
    const lazily = (): { errorEstimate: Float64Array; tolerance: Float64Array } => (built ??= errorAndTolerance(s, tol));
    const shape = [outSize, s.cols];
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
