import { openCheck, type CheckContext, type CheckCounters, type CheckLabels, type InternalSettings } from './context.js';
import { fastCheck } from './fast-mode.js';
import { flatOutputsNotice, fullCheck } from './full-mode.js';
import { derivativeKind } from './analytic.js';
import { STREAM_BLOCK_ENTRIES, streamingCheck } from './streaming.js';
import { secondOrderCheck } from './second-order.js';
import { DEFAULT_MAX_JACOBIAN_ENTRIES, type CheckOptions, type CheckSpec, type NamedTensors, type Status, type Verdict } from './types.js';
import { ShapeMismatch, UserCodeError } from './user-call.js';

export { defaultTolerance } from './context.js';
export { ERROR_ESTIMATE_FACTOR, entryTolerance, relativeError } from './compare.js';

function emptyVerdict(status: Status, message: string, counters: CheckCounters): Verdict {
  return { status, message, hints: [], diagnoses: [], entries: [], maxAbsError: NaN, maxRelError: NaN, evaluations: counters.evaluations, derivativeCalls: counters.derivativeCalls, kinks: 0, jacobians: [] };
}

/** The check of an opened context in the mode asked for, or the one the Jacobian budget leaves; whether it was fast mode. */
function checkAt(ctx: CheckContext, spec: CheckSpec, options: CheckOptions): { verdict: Verdict; fast: boolean } {
  if ((options.mode ?? 'full') === 'fast') return { verdict: fastCheck(ctx, options), fast: true };
  // A Jacobian over the memory budget is never built whole: streamed column by column where the analytic side
  // comes by columns (jacobian, gradient, jvp), else checked by directional probes.
  const entries = ctx.outSize * ctx.wrt.reduce((n, name) => n + ctx.working[name].data.length, 0);
  const budget = options.maxJacobianEntries ?? DEFAULT_MAX_JACOBIAN_ENTRIES;
  if (entries <= budget) return { verdict: fullCheck(ctx, options), fast: false };
  const over = `the full Jacobian has ${entries} entries, over the budget of ${budget} (--max-jacobian-entries)`;
  const streamed = derivativeKind(spec) !== 'vjp';
  const verdict = streamed ? streamingCheck(ctx, options, Math.min(budget, STREAM_BLOCK_ENTRIES)) : fastCheck(ctx, options);
  const why = streamed
    ? `${over}: streamed column by column, keeping the worst entries (no heatmaps or hints)`
    : `${over}: checked in fast mode (a vjp gives rows, not the columns a streamed check needs)`;
  verdict.notice = verdict.notice ? `${why}; ${verdict.notice}` : why;
  return { verdict, fast: !streamed };
}

/** Runs one first-order check (full or fast mode), turning the user's mistakes into `error` and shape `fail` verdicts. */
export function runFirstOrderCheck(spec: CheckSpec, inputs: NamedTensors, options: CheckOptions = {}, labels?: Partial<CheckLabels>, internal?: InternalSettings): Verdict {
  const counters: CheckCounters = { evaluations: 0, derivativeCalls: 0 };
  try {
    const ctx = openCheck(spec, inputs, options, labels, counters, internal);
    const { verdict, fast } = checkAt(ctx, spec, options);
    // Whichever way it was checked, a pass says when an output of f moved only in rounding steps.
    if (verdict.status === 'pass') {
      const flat = flatOutputsNotice(ctx, fast);
      if (flat) verdict.notice = verdict.notice ? `${verdict.notice}; ${flat}` : flat;
    }
    return verdict;
  } catch (e) {
    if (e instanceof ShapeMismatch) {
      const v = emptyVerdict('fail', e.message, counters);
      v.hints = e.hints;
      v.diagnoses = e.hints.map((hint) => ({ hint, detail: e.message }));
      return v;
    }
    if (e instanceof UserCodeError) {
      const v = emptyVerdict('error', e.message, counters);
      if (e.userStack) v.stack = e.userStack;
      return v;
    }
    throw e;
  }
}

export { DEFAULT_MAX_JACOBIAN_ENTRIES } from './types.js';

/**
 * Checks a spec's derivative at one input against finite differences and returns a verdict; a spec that gives a
 * `hessian` or an `hvp` also has its second order checked against finite differences of its own gradient.
 */
export function checkOnce<I extends NamedTensors>(spec: CheckSpec<I>, inputs: I, options: CheckOptions = {}): Verdict {
  const s = spec as unknown as CheckSpec;
  const first = runFirstOrderCheck(s, inputs, options);
  if (!s.hessian && !s.hvp) return first;
  if (first.status === 'fail' || first.status === 'error') return first;
  const second = secondOrderCheck(s, inputs, options);
  return mergeSecondOrder(first, second);
}

/** One verdict from the first- and second-order verdicts: the second order decides unless it passed. */
function mergeSecondOrder(first: Verdict, second: Verdict): Verdict {
  const evaluations = first.evaluations + second.evaluations;
  const derivativeCalls = first.derivativeCalls + second.derivativeCalls;
  if (second.status === 'pass') {
    const merged: Verdict = { ...first, evaluations, derivativeCalls, secondOrder: second };
    if (first.sensitivity !== undefined && second.sensitivity !== undefined) merged.sensitivity = Math.max(first.sensitivity, second.sensitivity);
    return merged;
  }
  const merged: Verdict = {
    ...second,
    message: `second order: ${second.message ?? `the ${second.status === 'fail' ? 'Hessian disagrees with finite differences of the gradient' : 'Hessian sits at a kink'}`}`,
    entries: second.entries.map((e) => ({ ...e, order: 2 as const })),
    evaluations,
    derivativeCalls,
    secondOrder: second,
  };
  return merged;
}
