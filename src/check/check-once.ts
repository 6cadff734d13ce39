import { diagnose } from '../diagnose/index.js';
import { FLOAT32_BASE_STEP, FLOAT64_BASE_STEP, fdJacobian, refineColumn } from '../fd/index.js';
import { cloneTensor, formatShape, tensor, type Tensor } from '../tensor/index.js';
import { analyticJacobians, derivativeKind } from './analytic.js';
import type { CheckOptions, CheckSpec, EntryComparison, JacobianPair, NamedTensors, Precision, Tolerance, Verdict } from './types.js';
import { asTensor, callUser, ShapeMismatch, UserCodeError } from './user-call.js';

/** Default tolerances per precision: tight, because each entry's own error estimate is added on top. */
export function defaultTolerance(precision: Precision): Tolerance {
  return precision === 'float32' ? { atol: 0, rtol: 1e-4 } : { atol: 0, rtol: 1e-7 };
}

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

function cloneInputs(inputs: NamedTensors): NamedTensors {
  const out: NamedTensors = {};
  for (const [k, v] of Object.entries(inputs)) out[k] = cloneTensor(v);
  return out;
}

/** The first input whose values differ from the snapshot, as "W[3]", or undefined. */
function findMutation(snapshot: NamedTensors, current: NamedTensors, restoreTo?: NamedTensors): string | undefined {
  for (const [name, t] of Object.entries(snapshot)) {
    const c = current[name];
    if (c.data.length !== t.data.length) return `${name} (length changed)`;
    for (let i = 0; i < t.data.length; i++) {
      if (!Object.is(c.data[i], t.data[i])) {
        if (restoreTo) restoreTo[name].data.set(t.data);
        return `${name}[${i}]`;
      }
    }
  }
  return undefined;
}

function errorVerdict(message: string, evaluations: number, derivativeCalls: number): Verdict {
  return { status: 'error', message, hints: [], diagnoses: [], entries: [], maxAbsError: NaN, maxRelError: NaN, evaluations, derivativeCalls, kinks: 0, jacobians: [] };
}

/** Checks a spec's derivative at one input against finite differences and returns a verdict. */
export function checkOnce<I extends NamedTensors>(spec: CheckSpec<I>, inputs: I, options: CheckOptions = {}): Verdict {
  const s = spec as unknown as CheckSpec;
  const precision = options.precision ?? spec.precision ?? 'float64';
  const tol: Tolerance = { ...defaultTolerance(precision), ...stripUndefined(spec.tolerance), ...stripUndefined(options.tolerance) };
  const maxEntries = options.maxEntries ?? 10;
  let evaluations = 0;
  let derivativeCalls = 0;
  try {
    derivativeKind(s);
    const wrt = spec.wrt ? [...spec.wrt] : Object.keys(inputs);
    for (const name of wrt) {
      if (!(name in inputs)) throw new UserCodeError(`wrt names "${name}", which is not an input (inputs: ${Object.keys(inputs).join(', ')})`);
    }
    const snapshot = cloneInputs(inputs);
    const working = cloneInputs(inputs);

    const callF = (): Tensor => {
      evaluations++;
      return asTensor('f', callUser('f', () => s.f(working)));
    };
    const f0 = callF();
    const outShape = f0.shape;
    const outSize = f0.data.length;
    assertFiniteAt(f0, 'f', 'at the input');
    const again = callF();
    const mutated = findMutation(snapshot, working);
    if (mutated) throw new UserCodeError(`f mutated its input ${mutated}`);
    if (again.data.length !== outSize) throw new UserCodeError(`f is nondeterministic: two calls at the same input returned ${outSize} and ${again.data.length} values`);
    let worstDiff = 0;
    let worstAt = -1;
    for (let i = 0; i < outSize; i++) {
      const d = Math.abs(again.data[i] - f0.data[i]);
      if (d > worstDiff || (Number.isNaN(d) && worstAt < 0)) {
        worstDiff = d;
        worstAt = i;
      }
    }
    if (worstAt >= 0) {
      throw new UserCodeError(`f is nondeterministic: two calls at the same input differ by ${worstDiff.toExponential(2)} at output index ${worstAt}`);
    }

    let analytic: Record<string, Float64Array>;
    try {
      const a = analyticJacobians(s, working, wrt, outShape);
      analytic = a.jacobians;
      derivativeCalls += a.calls;
    } catch (e) {
      if (e instanceof ShapeMismatch) {
        return { status: 'fail', message: e.message, hints: e.hints, diagnoses: e.hints.map((hint) => ({ hint, detail: e.message })), entries: [], maxAbsError: NaN, maxRelError: NaN, evaluations, derivativeCalls, kinks: 0, jacobians: [] };
      }
      throw e;
    }
    const dmut = findMutation(snapshot, working);
    if (dmut) throw new UserCodeError(`${derivativeKind(s)} mutated its input ${dmut}`);

    let noiseFloor = 0;
    if (s.noiseFloor) {
      evaluations++;
      noiseFloor = callUser('noiseFloor', () => s.noiseFloor!(working));
      if (!(noiseFloor >= 0 && Number.isFinite(noiseFloor))) throw new UserCodeError(`noiseFloor returned ${String(noiseFloor)}, expected a finite number ≥ 0`);
    }
    const baseStep = precision === 'float32' ? FLOAT32_BASE_STEP : FLOAT64_BASE_STEP;
    const epsilon = precision === 'float32' ? 2 ** -23 : 2 ** -52;
    const all: EntryComparison[] = [];
    const pairs: JacobianPair[] = [];
    let kinks = 0;
    let maxAbsError = 0;
    let maxRelError = 0;
    let maxTol = 0;
    let maxNumeric = 0;

    for (const name of wrt) {
      const buffer = working[name].data;
      const inSize = buffer.length;
      const evaluate = (): Float64Array => {
        const out = callF();
        if (out.data.length !== outSize) {
          throw new UserCodeError(`f returned ${out.data.length} values near the input (${perturbedEntry(snapshot, working)}), but ${outSize} at it`);
        }
        for (let i = 0; i < outSize; i++) {
          if (!Number.isFinite(out.data[i])) {
            throw new UserCodeError(`finite differences met ${String(out.data[i])}: f returned it at output index ${i} when ${perturbedEntry(snapshot, working)}`);
          }
        }
        return out.data;
      };
      const fd = fdJacobian(evaluate, buffer, f0.data, { baseStep, epsilon, tiny: precision === 'float32' ? 2 ** -126 : 2 ** -1022, noiseFloor });
      const fmut = findMutation(snapshot, working, working);
      if (fmut) throw new UserCodeError(`f mutated its input ${fmut} during finite differences`);
      const A = analytic[name];
      const value = fd.value;
      const errorEst = fd.error;
      const isKink = new Uint8Array(outSize * inSize);
      // Entries that fail, or look like a kink, are re-examined on a ladder of smaller steps.
      const toRefine = new Map<number, number[]>();
      for (let i = 0; i < outSize; i++) {
        for (let j = 0; j < inSize; j++) {
          const k = i * inSize + j;
          const bad = !(Math.abs(A[k] - value[k]) <= entryTolerance(tol, A[k], value[k], errorEst[k]));
          if (bad || fd.kinkSuspect[k]) {
            const rows = toRefine.get(j) ?? [];
            rows.push(i);
            toRefine.set(j, rows);
          }
        }
      }
      for (const [j, rows] of toRefine) {
        const r = refineColumn(evaluate, buffer, f0.data, j, fd.steps[j], rows, fd.noise, epsilon, noiseFloor);
        for (const e of r.entries) {
          const k = e.row * inSize + j;
          if (e.kink) {
            isKink[k] = 1;
            kinks++;
          } else if (e.error < errorEst[k] || !(Math.abs(A[k] - value[k]) <= entryTolerance(tol, A[k], value[k], errorEst[k]))) {
            value[k] = e.value;
            errorEst[k] = Math.max(e.error, 0);
          }
        }
      }
      const tolT = new Float64Array(outSize * inSize);
      for (let i = 0; i < outSize; i++) {
        for (let j = 0; j < inSize; j++) {
          const k = i * inSize + j;
          const a = A[k];
          const n = value[k];
          const t = entryTolerance(tol, a, n, errorEst[k]);
          tolT[k] = isKink[k] ? NaN : t;
          if (isKink[k]) continue;
          const absError = Math.abs(a - n);
          const relError = relativeError(a, n);
          if (absError > maxAbsError) maxAbsError = absError;
          // Relative figures only mean something for entries the finite differences resolve (|n| above the tolerance).
          const resolved = Math.abs(n) > 2 * t;
          if (resolved || !(absError <= t)) maxRelError = Math.max(maxRelError, relError);
          maxTol = Math.max(maxTol, t);
          maxNumeric = Math.max(maxNumeric, Math.abs(n));
          all.push({ input: name, outIndex: i, inIndex: j, analytic: a, numeric: n, absError, relError, errorEstimate: errorEst[k], tolerance: t });
        }
      }
      pairs.push({
        input: name,
        inputShape: [...inputs[name].shape],
        outputShape: [...outShape],
        analytic: tensor([outSize, inSize], A),
        numeric: tensor([outSize, inSize], value),
        errorEstimate: tensor([outSize, inSize], errorEst),
        tolerance: tensor([outSize, inSize], tolT),
      });
    }
    all.sort((p, q) => excess(q) - excess(p));
    const failing = all.filter((e) => !(e.absError <= e.tolerance));
    const status = failing.length > 0 ? 'fail' : kinks > 0 ? 'nondifferentiable' : 'pass';
    const verdict: Verdict = {
      status,
      hints: [],
      diagnoses: [],
      entries: all.slice(0, maxEntries),
      maxAbsError,
      maxRelError,
      evaluations,
      derivativeCalls,
      kinks,
      jacobians: pairs,
    };
    // Sensitivity: an error in any single entry larger than this fraction of the Jacobian's largest entry is flagged.
    if (status === 'pass' && maxNumeric > 0) verdict.sensitivity = maxTol / maxNumeric;
    if (status === 'fail') {
      verdict.diagnoses = diagnose(pairs);
      verdict.hints = verdict.diagnoses.map((d) => d.hint);
    }
    if (status === 'nondifferentiable') verdict.message = `${kinks} Jacobian ${kinks === 1 ? 'entry sits' : 'entries sit'} at a kink: the one-sided differences disagree`;
    return verdict;
  } catch (e) {
    if (e instanceof UserCodeError) return errorVerdict(e.message, evaluations, derivativeCalls);
    throw e;
  }
}

/** How far an entry's error goes past its tolerance (above 1 fails). */
function excess(e: EntryComparison): number {
  if (Number.isNaN(e.absError)) return Infinity;
  if (e.tolerance > 0) return e.absError / e.tolerance;
  return e.absError > 0 ? Infinity : 0;
}

function perturbedEntry(snapshot: NamedTensors, working: NamedTensors): string {
  for (const [name, t] of Object.entries(snapshot)) {
    const c = working[name].data;
    for (let i = 0; i < c.length; i++) {
      if (c[i] !== t.data[i]) return `${name}[${i}] was moved from ${t.data[i]} to ${c[i]}`;
    }
  }
  return 'no input was moved';
}

function assertFiniteAt(t: Tensor, what: string, where: string): void {
  for (let i = 0; i < t.data.length; i++) {
    if (!Number.isFinite(t.data[i])) {
      throw new UserCodeError(`${what} returned ${String(t.data[i])} ${where} (output index ${i} of shape ${formatShape(t.shape)})`);
    }
  }
}

function stripUndefined<T extends object>(o: T | undefined): Partial<T> {
  if (!o) return {};
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

