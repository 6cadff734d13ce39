import fc from 'fast-check';
import { checkOnce } from '../check/check-once.js';
import type { CheckOptions, CheckSpec, Diagnosis, HintKind, NamedTensors, Verdict } from '../check/types.js';
import type { Tensor } from '../tensor/index.js';
import type { CheckResult, Counterexample, JsonTensor, RunOptions } from './types.js';

/** Converts a tensor to plain JSON. */
export function tensorToJson(t: Tensor): JsonTensor {
  return { shape: [...t.shape], data: Array.from(t.data) };
}

function counterexampleOf(inputs: NamedTensors, wrt: string[], v: Verdict, maxReportedEntries: number): Counterexample {
  const size = v.jacobians.reduce((s, p) => s + p.analytic.data.length, 0);
  const ce: Counterexample = {
    inputs: Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, tensorToJson(t)])),
    wrt,
    maxAbsError: v.maxAbsError,
    maxRelError: v.maxRelError,
    entries: v.entries,
  };
  if (v.jacobians.length > 0) {
    ce.outputShape = [...v.jacobians[0].outputShape];
    let wrong = 0;
    for (const p of v.jacobians) {
      for (let k = 0; k < p.analytic.data.length; k++) {
        // A NaN tolerance marks a kink, which is not counted as wrong (as in checkOnce).
        const t = p.tolerance.data[k];
        if (!Number.isNaN(t) && !(Math.abs(p.analytic.data[k] - p.numeric.data[k]) <= t)) wrong++;
      }
    }
    ce.wrongEntries = wrong;
    ce.totalEntries = size;
  }
  if (size > 0 && size <= maxReportedEntries) {
    ce.jacobians = v.jacobians.map((p) => ({
      input: p.input,
      inputShape: p.inputShape,
      outputShape: p.outputShape,
      analytic: tensorToJson(p.analytic),
      numeric: tensorToJson(p.numeric),
    }));
  }
  return ce;
}

/** Hints at the shrunk counterexample, then any further ones seen at the first (larger) failing input. */
function combineDiagnoses(shrunk: Diagnosis[], first: Diagnosis[]): { hints: HintKind[]; diagnoses: Diagnosis[] } {
  const diagnoses = [...shrunk];
  for (const d of first) if (!diagnoses.some((e) => e.hint === d.hint)) diagnoses.push({ ...d, detail: `${d.detail} (at the first failing input, before shrinking)` });
  return { hints: diagnoses.map((d) => d.hint), diagnoses };
}

/**
 * Runs a spec as a fast-check property: checks the derivative at many random inputs, skips inputs at kinks,
 * and on a failure shrinks to the smallest failing input, returned with the seed and path that replay it.
 */
export function runProperty<I extends NamedTensors>(spec: CheckSpec<I>, options: RunOptions & CheckOptions = {}): CheckResult {
  const started = performance.now();
  const runs = options.runs ?? 100;
  let evaluations = 0;
  let checked = 0;
  let skipped = 0;
  let maxRelError = 0;
  let sensitivity: number | undefined;
  let missProbability: number | undefined;
  // The first failing input (before shrinking) is larger, so it often carries more evidence for a hint.
  let firstFailure: Diagnosis[] | undefined;
  const notices: string[] = [];
  let moreNotices = 0;
  const property = fc.property(spec.inputs, (inputs) => {
    const v = checkOnce(spec, inputs, options);
    evaluations += v.evaluations;
    // Distinct notices are kept: a later input's (a failure excused, a flat output) must not hide behind an
    // earlier one's (the first 3 distinct ones, and a count of the rest).
    if (v.notice && !notices.includes(v.notice)) {
      if (notices.length < 3) notices.push(v.notice);
      else moreNotices++;
    }
    checked++;
    if (v.status === 'nondifferentiable') {
      skipped++;
      fc.pre(false);
    }
    if (v.status === 'pass') {
      maxRelError = Math.max(maxRelError, v.maxRelError);
      if (v.sensitivity !== undefined) sensitivity = Math.max(sensitivity ?? 0, v.sensitivity);
      if (v.fast?.missProbability !== undefined) missProbability = Math.max(missProbability ?? 0, v.fast.missProbability);
      return true;
    }
    if (v.status === 'fail' && firstFailure === undefined) firstFailure = v.diagnoses;
    return false;
  });
  const details = fc.check(property, {
    numRuns: runs,
    seed: options.seed,
    path: options.path,
    endOnFailure: options.path !== undefined,
    maxSkipsPerRun: 10,
  });
  const base = {
    name: spec.name,
    runs: details.numRuns + details.numSkips,
    skipped,
    seed: details.seed,
    evaluations,
    maxRelError,
  };
  if (!details.failed) {
    const pass: CheckResult = { ...base, status: 'pass', sensitivity, hints: [], durationMs: performance.now() - started };
    if (missProbability !== undefined) pass.missProbability = missProbability;
    if (notices.length > 0) pass.notice = notices.join('; ') + (moreNotices > 0 ? ` (and ${moreNotices} more at other inputs)` : '');
    return pass;
  }
  if (details.counterexample === null) {
    // fast-check gave up: too many inputs were skipped (at a kink) for the runs asked for, or the run was interrupted.
    const compared = checked - skipped;
    const why =
      compared === 0
        ? `${skipped} of ${checked} inputs sat at a kink, so the derivative was never compared (give inputs away from the kink)`
        : `${skipped} of ${checked} inputs sat at a kink; the ${compared} smooth ${compared === 1 ? 'one' : 'ones'} passed, too few for the runs asked for (give inputs away from the kink)`;
    return { ...base, status: skipped > 0 ? 'nondifferentiable' : 'error', hints: [], message: skipped > 0 ? why : 'the run was interrupted', durationMs: performance.now() - started };
  }
  const [inputs] = details.counterexample;
  const v = checkOnce(spec, inputs, options);
  evaluations += v.evaluations;
  const wrt = spec.wrt ? [...spec.wrt] : Object.keys(inputs);
  const result: CheckResult = {
    ...base,
    evaluations,
    status: v.status === 'pass' || v.status === 'nondifferentiable' ? 'fail' : v.status,
    path: details.counterexamplePath ?? undefined,
    shrinks: details.numShrinks,
    counterexample: counterexampleOf(inputs, wrt, v, options.maxReportedEntries ?? 40_000),
    ...combineDiagnoses(v.diagnoses, firstFailure ?? []),
    durationMs: performance.now() - started,
  };
  if (v.message) result.message = v.message;
  if (v.stack && options.debug) result.stack = v.stack;
  if (v.notice ?? notices[0]) result.notice = v.notice ?? notices[0];
  return result;
}
