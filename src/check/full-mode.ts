import { diagnose } from '../diagnose/index.js';
import { FLOAT64_BASE_STEP, NOISE_SIGMAS, RICHARDSON_NOISE, directionalDerivative, fdJacobian, refineColumn, stepFromNoise } from '../fd/index.js';
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

/** Per-input state of the full comparison: the finite-difference estimate of each entry and how its error is made. */
interface InputState {
  name: string;
  inSize: number;
  analytic: Float64Array;
  value: Float64Array;
  /** Truncation part of each entry's error estimate. */
  trunc: Float64Array;
  /** The noise part is coef · σ_row. */
  coef: Float64Array;
  /** σ per output row used for this input. */
  noise: Float64Array;
  /** The largest |f| per output row over the stencil points. */
  scale: Float64Array;
  kink: Uint8Array;
  /** Entries the Taylor test showed to be finite-difference artefacts. */
  refuted: Uint8Array;
  /** Per column: 1 when every entry agreed with the analytic one on two points (see fdJacobian's gate). */
  twoPoint: Uint8Array;
}

const errorOf = (s: InputState, k: number): number => s.trunc[k] + s.coef[k] * s.noise[Math.floor(k / s.inSize)];

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
  const tolOf = (s: InputState, k: number): number => entryTolerance(tol, s.analytic[k], s.value[k], errorOf(s, k));
  const fails = (s: InputState, k: number): boolean => !s.kink[k] && !s.refuted[k] && !(Math.abs(s.analytic[k] - s.value[k]) <= tolOf(s, k));

  const steps: Float64Array[] = [];
  const suspects: Uint8Array[] = [];
  wrt.forEach((name, b) => {
    const buffer = ctx.buffers[b];
    const inSize = buffer.length;
    const fd = fdJacobian((j) => ctx.evaluateGuarded(b, j), buffer, f0, {
      baseStep,
      epsilon: precision.epsilon,
      tiny: precision.tiny,
      round,
      noise: ctx.noiseMeasured ? ctx.noise() : ctx.noiseFloor > 0 ? new Float64Array(outSize).fill(ctx.noiseFloor) : undefined,
      gate: { reference: a.jacobians[name], atol: tol.atol, rtol: tol.rtol },
    });
    ctx.checkMutation(`${ctx.labels.f} (during finite differences)`);
    const n = outSize * inSize;
    const s: InputState = {
      name,
      inSize,
      analytic: a.jacobians[name],
      value: fd.value,
      trunc: new Float64Array(n),
      coef: new Float64Array(n),
      noise: fd.noise,
      scale: fd.scale,
      kink: new Uint8Array(n),
      refuted: new Uint8Array(n),
      twoPoint: fd.twoPoint,
    };
    for (let i = 0, k = 0; i < outSize; i++) {
      for (let j = 0; j < inSize; j++, k++) {
        if (!Number.isFinite(fd.value[k])) {
          throw new UserCodeError(
            `finite differences overflowed at output index ${i} for ${name}[${j}]: ${ctx.labels.f} changes by more than the largest double across the stencil`,
          );
        }
        const c = fd.noiseFactor[j];
        s.coef[k] = c;
        s.trunc[k] = Math.max(fd.error[k] - c * fd.noise[i], 0);
      }
    }
    states.push(s);
    steps.push(fd.steps);
    suspects.push(fd.kinkSuspect);
  });

  const anyFailing = (): boolean => {
    for (const s of states) {
      for (let i = 0, k = 0; i < outSize; i++) {
        const sigma = s.noise[i];
        for (let j = 0; j < s.inSize; j++, k++) {
          const a = s.analytic[k];
          const n = s.value[k];
          const err = s.trunc[k] + s.coef[k] * sigma;
          if (!(Math.abs(a - n) <= entryTolerance(tol, a, n, err)) && !s.kink[k] && !s.refuted[k]) return true;
        }
      }
    }
    return false;
  };
  // Before an entry is re-examined or reported, it is held against the measured noise of f: the pooled fourth
  // differences can miss noise that cancellation puts into f, and a kink inflates them in its own row (ECnoise and
  // a fit at random offsets see it along lines through all the inputs). Passing checks never pay for this.
  // A row whose pooled noise stands far above one rounding of its values is noisy too: its step deserves a look.
  const noisyRow = (s: InputState, i: number): boolean => s.noise[i] > 64 * precision.epsilon * s.scale[i] + precision.tiny;
  let anyNoisy = false;
  if (precision.name !== 'float32') for (const s of states) for (let i = 0; i < outSize && !anyNoisy; i++) anyNoisy = noisyRow(s, i);
  const anySuspect = suspects.some((k) => k.indexOf(1) >= 0);
  if (anyNoisy || anySuspect || anyFailing()) {
    const sigma = ctx.noise(2);
    for (const s of states) s.noise = s.noise.map((v, i) => Math.max(v, sigma[i]));
  }
  // Where the measured noise calls for a larger step than the one taken, failing entries and noise-bound entries of
  // noisy rows are measured again with it (4 evaluations per column).
  if (ctx.noiseMeasured && precision.name !== 'float32') {
    states.forEach((s, b) => {
      const columns = new Map<number, number[]>();
      for (let k = 0; k < s.analytic.length; k++) {
        const i = Math.floor(k / s.inSize);
        // Failing entries, and entries whose error is mostly noise, in a noisy row (not those decided on two points:
        // they agree with the analytic value whatever the noise).
        if (s.twoPoint[k % s.inSize]) continue;
        if (!fails(s, k) && !(noisyRow(s, i) && s.coef[k] * s.noise[i] > s.trunc[k])) continue;
        const j = k % s.inSize;
        columns.set(j, [...(columns.get(j) ?? []), Math.floor(k / s.inSize)]);
      }
      for (const [j, rows] of columns) {
        // A larger step would step over a kink at x: columns that look like one keep their step for the ladder.
        if (Array.from({ length: outSize }, (_, i) => suspects[b][i * s.inSize + j]).some(Boolean)) continue;
        const h = baseStepFor(ctx, rows) * Math.max(Math.abs(ctx.buffers[b][j]), 1);
        if (!(h > steps[b][j] * 1.5)) continue;
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
          if (!(error < errorOf(s, k))) continue;
          s.value[k] = dd.value[i] / stretch;
          s.coef[k] = (NOISE_SIGMAS * RICHARDSON_NOISE) / Math.abs(h * stretch);
          s.trunc[k] = Math.max(error - s.coef[k] * s.noise[i], 0);
        }
        steps[b][j] = h;
      }
    });
  }
  // Entries that still fail, or look like a kink, are re-examined on a ladder of smaller steps.
  states.forEach((s, b) => {
    const toRefine = new Map<number, number[]>();
    for (let k = 0; k < s.analytic.length; k++) {
      if (fails(s, k) || suspects[b][k]) {
        const j = k % s.inSize;
        const rows = toRefine.get(j) ?? [];
        rows.push(Math.floor(k / s.inSize));
        toRefine.set(j, rows);
      }
    }
    for (const [j, rows] of toRefine) {
      const r = refineColumn((c) => ctx.evaluateGuarded(b, c), ctx.buffers[b], f0, j, steps[b][j], rows, s.noise, {
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
        const current = errorOf(s, k);
        // The finer estimate wins when the ladder shows the first stencil straddling a kink near x, when it is more
        // precise, or when the two disagree beyond both their errors (the coarse stencil met something its error
        // estimate did not see). A failing entry is never rescued by an estimate that is merely less precise but
        // consistent with the coarse one.
        if (e.straddled || e.error < current || Math.abs(e.value - s.value[k]) > ERROR_ESTIMATE_FACTOR * (e.error + current)) {
          s.value[k] = e.value;
          s.trunc[k] = e.truncation;
          s.coef[k] = e.noiseFactor;
        }
      }
    }
    ctx.checkMutation(`${ctx.labels.f} (during finite differences)`);
  });

  // The Taylor test, which needs no step and no noise estimate, confirms a failure before it is reported.
  let taylor: TaylorSummary | undefined;
  if (anyFailing()) {
    const columns: { b: number; j: number; worst: number }[] = [];
    states.forEach((s, b) => {
      for (let k = 0; k < s.analytic.length; k++) {
        if (!fails(s, k)) continue;
        const j = k % s.inSize;
        const over = Math.abs(s.analytic[k] - s.value[k]) / tolOf(s, k);
        const c = columns.find((c) => c.b === b && c.j === j);
        if (c) c.worst = Math.max(c.worst, over);
        else columns.push({ b, j, worst: over });
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

  // One pass over the entries: the figures of the verdict, the failing count, and the worst `maxEntries` entries
  // (failing ones first, then by how far they go past their tolerance) without sorting them all.
  const pairs: JacobianPair[] = [];
  const worst: { entry: EntryComparison; key: number }[] = [];
  const keep = (entry: EntryComparison, key: number): void => {
    if (worst.length >= maxEntries && !(key > worst[worst.length - 1].key)) return;
    let at = worst.length;
    while (at > 0 && !(worst[at - 1].key >= key)) at--;
    worst.splice(at, 0, { entry, key });
    if (worst.length > maxEntries) worst.pop();
  };
  let maxAbsError = 0;
  let maxRelError = 0;
  let sensitivity = 0;
  let anyRefuted = false;
  let failingCount = 0;
  for (const s of states) {
    const size = outSize * s.inSize;
    const tolT = new Float64Array(size);
    const errT = new Float64Array(size);
    let maxTol = 0;
    let maxNumeric = 0;
    for (let i = 0, k = 0; i < outSize; i++) {
      const sigma = s.noise[i];
      for (let j = 0; j < s.inSize; j++, k++) {
        const an = s.analytic[k];
        const nu = s.value[k];
        const err = s.trunc[k] + s.coef[k] * sigma;
        const t = entryTolerance(tol, an, nu, err);
        errT[k] = err;
        if (s.kink[k]) {
          tolT[k] = NaN;
          continue;
        }
        tolT[k] = t;
        if (s.refuted[k]) anyRefuted = true;
        const absError = Math.abs(an - nu);
        if (absError > maxAbsError) maxAbsError = absError;
        const over = !(absError <= t);
        const failing = over && !s.refuted[k];
        // Relative figures only mean something for entries the finite differences resolve (|n| above the tolerance).
        if (Math.abs(nu) > 2 * t || over) maxRelError = Math.max(maxRelError, relativeError(an, nu));
        if (t > maxTol) maxTol = t;
        if (Math.abs(nu) > maxNumeric) maxNumeric = Math.abs(nu);
        if (failing) failingCount++;
        const ratio = Number.isNaN(absError) ? Infinity : t > 0 ? absError / t : absError > 0 ? Infinity : 0;
        // Failing entries rank above every other; within each group, by how far past the tolerance.
        const key = (failing ? 1 : 0) * 1e300 + Math.min(ratio, 1e299);
        if (worst.length < maxEntries || key > worst[worst.length - 1].key) {
          keep({ input: s.name, outIndex: i, inIndex: j, analytic: an, numeric: nu, absError, relError: relativeError(an, nu), errorEstimate: err, tolerance: t }, key);
        }
      }
    }
    if (maxNumeric > 0) sensitivity = Math.max(sensitivity, maxTol / maxNumeric);
    // The arrays belong to this check alone: the verdict takes them without a copy.
    pairs.push({
      input: s.name,
      inputShape: [...ctx.snapshot[s.name].shape],
      outputShape: [...ctx.f0.shape],
      analytic: { shape: [outSize, s.inSize], data: s.analytic },
      numeric: { shape: [outSize, s.inSize], data: s.value },
      errorEstimate: { shape: [outSize, s.inSize], data: errT },
      tolerance: { shape: [outSize, s.inSize], data: tolT },
    });
  }
  const status = failingCount > 0 ? 'fail' : kinks > 0 ? 'nondifferentiable' : 'pass';
  const verdict: Verdict = {
    status,
    hints: [],
    diagnoses: [],
    entries: worst.map((w) => w.entry),
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
    verdict.diagnoses = diagnose(pairs, ctx.snapshot);
    verdict.hints = verdict.diagnoses.map((d) => d.hint);
  }
  if (status === 'nondifferentiable') verdict.message = `${kinks} Jacobian ${kinks === 1 ? 'entry sits' : 'entries sit'} at a kink: the one-sided differences disagree`;
  return verdict;
}
