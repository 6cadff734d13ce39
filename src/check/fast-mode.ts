import { directionalDerivative, refineAlong, rescreenKinks, twoPointAlong, type DirectionalDerivative } from '../fd/directional.js';
import { NOISE_SIGMAS, RICHARDSON_NOISE, agreesOnTwoPoints, kinkLikeOnTwoPoints, refineColumn } from '../fd/jacobian.js';
import { FLOAT64_BASE_STEP, FLOAT64_TWO_POINT_STEP } from '../fd/step.js';
import { normalProductWithin, normalWithin, sizeAtMissProbability } from '../fd/probability.js';
import { noiseGamma } from '../fd/noise.js';
import { gaussianVector } from '../fd/random.js';
import { taylorOutcome, taylorTest } from '../fd/taylor.js';
import { analyticOracle, type AnalyticOracle } from './analytic.js';
import { derivativeSync, type CheckContext } from './context.js';
import { ERROR_ESTIMATE_FACTOR, entryTolerance, relativeError } from './compare.js';
import { baseStepFor, excess, refinementWins } from './full-mode.js';
import { taylorColumn } from './taylor-confirm.js';
import { DEFAULT_MISS_PROBABILITY, DEFAULT_PROBES, type CheckOptions, type EntryComparison, type TaylorSummary, type Verdict } from './types.js';
import { UserCodeError } from './user-call.js';

/** Most wrong columns a failing probe is bisected down to before fast mode stops looking for more. */
const MAX_LOCALIZED_COLUMNS = 8;

/** A half of a failing probe whose own excess stays below this share of its tolerance is taken as clean. */
const CLEAN_SHARE = 0.25;

/** Most ladders along parts of a probe spent locating a kink (8 evaluations each). */
const MAX_KINK_LADDERS = 64;

/** Analytic columns (jvp) or rows (vjp) read to bound the Jacobian's largest entry from below. */
const SCALE_SAMPLES = 4;

/** Outputs up to which a vjp column is read row by row; above it the rows are bisected too. */
const VJP_DIRECT_ROWS = 64;

/** One random probe: the numeric directional derivative along d against the analytic one. */
interface Probe {
  direction: Float64Array[];
  t: number;
  dd: DirectionalDerivative;
  /** Cotangent u (vjp form only). */
  u?: Float64Array;
  /** uᵀJ from the analytic side (vjp form only), per input. */
  g?: Float64Array[];
  /** Analytic and numeric values compared (per output for J·v, one value for uᵀJ·v) and their tolerances. */
  analytic: Float64Array;
  numeric: Float64Array;
  error: Float64Array;
  tolerance: Float64Array;
  /** The largest |analytic − numeric| / tolerance. */
  worst: number;
  /** Set when the ladder along the probe's direction finds a kink at x. */
  kink?: boolean;
  /**
   * A probe decided on two points: per compared value, the part of its error that no noise level changes, the
   * two-point factor times its disagreement with the analytic side (see fdJacobian's twoPointFactor).
   */
  fixed?: Float64Array;
}

/** The error of uᵀ·(a vector with per-entry errors e), for a u drawn independently of the errors: see compare. */
function combinedError(u: Float64Array, e: ArrayLike<number>): number {
  let l1 = 0;
  let l2 = 0;
  for (let i = 0; i < u.length; i++) {
    l1 += Math.abs(u[i]) * e[i];
    l2 += (u[i] * e[i]) ** 2;
  }
  return Math.min(l1, 4 * Math.sqrt(l2));
}

/** The smallest max(|x_j|, 1) over a buffer (Infinity when it is empty). */
function smallestScale(x: Float64Array): number {
  let m = Infinity;
  for (let j = 0; j < x.length; j++) {
    const s = Math.abs(x[j]);
    m = Math.min(m, s > 1 ? s : 1);
  }
  return m;
}

/** The largest |analytic − numeric| / tolerance of a probe (Infinity for a NaN difference). */
function worstExcess(p: Pick<Probe, 'analytic' | 'numeric' | 'tolerance'>): number {
  const { analytic, numeric, tolerance } = p;
  let worst = 0;
  for (let i = 0; i < analytic.length; i++) {
    const d = Math.abs(analytic[i] - numeric[i]);
    const x = tolerance[i] > 0 ? d / tolerance[i] : d > 0 ? Infinity : 0;
    worst = Math.max(worst, Number.isNaN(d) ? Infinity : x);
  }
  return worst;
}

/** The tolerance of each compared value (see entryTolerance), in one plain loop (a probe's per-output passes add up). */
function tolerances(tol: CheckContext['tol'], analytic: Float64Array, numeric: Float64Array, error: Float64Array): Float64Array {
  const out = new Float64Array(analytic.length);
  for (let i = 0; i < out.length; i++) out[i] = entryTolerance(tol, analytic[i], numeric[i], error[i]);
  return out;
}

const dot = (a: readonly Float64Array[], b: readonly Float64Array[]): number => {
  let s = 0;
  a.forEach((x, k) => {
    for (let j = 0; j < x.length; j++) s += x[j] * b[k][j];
  });
  return s;
};

/**
 * Fast mode: compares a few random directional derivatives, J·v (and uᵀJ·v for a vjp), finite differences along v
 * (4 evaluations each, whatever the size of the input) against the analytic form. A failing probe is bisected over
 * blocks of input coordinates down to the wrong columns, whose entries are then checked as full mode checks them.
 * A pass states the error size the probes would catch and the probability that they missed one that size.
 */
export function fastCheck(ctx: CheckContext, options: CheckOptions = {}): Verdict {
  const probes = options.probes ?? DEFAULT_PROBES;
  const target = options.missProbability ?? DEFAULT_MISS_PROBABILITY;
  if (!(Number.isInteger(probes) && probes >= 1)) throw new RangeError(`gradproof: fast mode needs probes to be a positive whole number, got ${probes}`);
  if (!(target > 0 && target < 1)) throw new RangeError(`gradproof: missProbability must lie strictly between 0 and 1, got ${target}`);
  const { tol, precision, outSize } = ctx;
  const f0 = ctx.f0.data;
  const startCalls = ctx.derivativeCalls;
  const oracle = analyticOracle(ctx.spec, ctx.working, ctx.wrt, ctx.f0.shape, ctx.labels.derivative);
  const syncCalls = derivativeSync(ctx, () => oracle.calls, startCalls);
  syncCalls();
  // In float32, two noise lines up front (ECnoise, then a fit at random offsets): every probe's tolerance rests on
  // them. In float64 the probes first rest on one rounding of f's values and on their own fourth differences (free,
  // as full mode's columns are); the noise lines are measured only when a probe fails, looks like a kink, or
  // shows an output noisier than rounding (see below).
  const lazyNoise = precision.name !== 'float32' && !ctx.noiseMeasured;
  let sigma: Float64Array;
  if (lazyNoise) {
    sigma = new Float64Array(outSize);
    for (let i = 0; i < outSize; i++) sigma[i] = Math.max(precision.epsilon * Math.abs(f0[i]), precision.tiny, ctx.noiseFloor);
  } else sigma = ctx.noise(2).slice();
  const kinkNoise = (): Float64Array | undefined => (ctx.noiseMeasured ? ctx.acceptedNoise() : undefined);
  const base = baseStepFor(ctx);
  // Each probe is first taken on two points, at the smaller step a plain central difference wants (as full mode's
  // columns are); one that does not plainly agree with the analytic side takes the Richardson stencil at `base`.
  const gateStep = base === FLOAT64_BASE_STEP ? FLOAT64_TWO_POINT_STEP : base;
  const twoPointFactor = Math.max(1, (base / gateStep) ** 2 / 4);
  const sizes = ctx.buffers.map((b) => b.length);
  const offsets = sizes.map((_, b) => sizes.slice(0, b).reduce((s, n) => s + n, 0));
  const total = sizes.reduce((s, n) => s + n, 0);
  /** A direction with only the coordinates lo … hi − 1 (counted across the inputs) kept. */
  const restrictedDirection = (direction: readonly Float64Array[], lo: number, hi: number): Float64Array[] =>
    direction.map((d, b) => d.map((y, j) => (offsets[b] + j >= lo && offsets[b] + j < hi ? y : 0)));
  /** The base step of input b's entry j: base·max(|x_j|, 1). */
  const stepOf = (b: number, j: number): number => base * Math.max(Math.abs(ctx.buffers[b][j]), 1);
  const locate = (g: number): [number, number] => {
    let b = 0;
    while (b + 1 < sizes.length && g >= offsets[b + 1]) b++;
    return [b, g - offsets[b]];
  };

  // The differentiated inputs are guarded at every evaluation; all inputs are compared with the snapshot after each
  // measurement, or (deferCheck) once after a batch of them.
  const measure = (direction: Float64Array[], t: number, deferCheck = false): DirectionalDerivative => {
    const dd = directionalDerivative(() => ctx.evaluateGuarded(), ctx.buffers, direction, t, f0, sigma, { precision, kinkNoise: kinkNoise() });
    if (!deferCheck) ctx.checkMutation(`${ctx.labels.f} (during finite differences)`);
    dd.value.forEach((v, i) => {
      if (!Number.isFinite(v)) throw new UserCodeError(`finite differences overflowed at output index ${i} along a probe direction: ${ctx.labels.f} changes by more than the largest double across the stencil`);
    });
    return dd;
  };

  /** Compares one directional derivative with the analytic side (reusing the probe's uᵀJ for a vjp). */
  const compare = (direction: Float64Array[], t: number, u?: Float64Array, g?: Float64Array[], deferCheck = false): Probe => {
    const dd = measure(direction, t, deferCheck);
    let analytic: Float64Array;
    let numeric: Float64Array;
    let error: Float64Array;
    if (oracle.jvp) {
      analytic = oracle.jvp(dd.tangent);
      numeric = dd.value;
      error = dd.error;
    } else {
      u ??= gaussianVector(ctx.random, outSize);
      g ??= oracle.vjp!(u);
      analytic = Float64Array.of(dot(g, dd.tangent));
      let n = 0;
      for (let i = 0; i < outSize; i++) n += u[i] * dd.value[i];
      numeric = Float64Array.of(n);
      // uᵀe for the error vector e, |e_i| ≤ error_i, and a u drawn independently of it is N(0, ‖e‖²): four times
      // ‖u∘error‖ bounds it but for a chance of 6e-5, far below the worst case ‖u∘error‖₁ on many outputs.
      error = Float64Array.of(combinedError(u, dd.error));
    }
    syncCalls();
    const tolerance = tolerances(tol, analytic, numeric, error);
    const worst = worstExcess({ analytic, numeric, tolerance });
    const probe: Probe = { direction, t, dd, analytic, numeric, error, tolerance, worst };
    if (u) probe.u = u;
    if (g) probe.g = g;
    return probe;
  };

  /**
   * Re-judges a probe with the current σ: its error is its truncation plus the noise term of the new σ; once the
   * noise lines are measured, its kink screen is held against the noise ECnoise accepted.
   */
  const rejudge = (p: Probe): void => {
    const { dd, fixed } = p;
    if (ctx.noiseMeasured && !fixed) rescreenKinks(dd, ctx.acceptedNoise(), precision.epsilon);
    const { truncation, scale, noiseFactor } = dd;
    const eps = precision.epsilon;
    const error = new Float64Array(truncation.length);
    for (let i = 0; i < error.length; i++) error[i] = truncation[i] + noiseFactor * Math.max(sigma[i], eps * scale[i]);
    dd.error = error;
    p.error = oracle.jvp ? error.slice() : Float64Array.of(combinedError(p.u!, error));
    if (fixed) for (let k = 0; k < fixed.length; k++) p.error[k] += fixed[k];
    p.tolerance = tolerances(tol, p.analytic, p.numeric, p.error);
    p.worst = worstExcess(p);
  };

  const origin = ctx.wrt.map((name) => ctx.snapshot[name].data);
  const twoPointValues: [Float64Array, Float64Array] = [new Float64Array(outSize), new Float64Array(outSize)];
  const mutated = (b: number, j: number): UserCodeError => new UserCodeError(`${ctx.labels.f} (during finite differences) mutated its input ${ctx.wrt[b]}[${j}]`);
  /**
   * A probe on two points at ±t₂, or undefined when it does not decide: every compared value within half the
   * tightest tolerance it could be held to (the noise term alone, no truncation), and no one-sided gap that a kink
   * could explain, as fdJacobian's gate decides a column.
   */
  const twoPointProbe = (direction: Float64Array[], t: number, deferCheck: boolean): Probe | undefined => {
    const t2 = t * (gateStep / base);
    const tp = twoPointAlong((into) => ctx.evaluate(into), ctx.buffers, origin, direction, t2, f0, twoPointValues, mutated, precision);
    // twoPointAlong checked the differentiated inputs at both points and restored them from the snapshot.
    if (!deferCheck) ctx.checkMutation(`${ctx.labels.f} (during finite differences)`, true);
    const m = tp.value.length;
    const noiseTerm = (NOISE_SIGMAS * Math.SQRT1_2) / t2;
    // The noise term of each value at its rounding (or measured) σ.
    const gateTerm = new Float64Array(m);
    for (let i = 0; i < m; i++) gateTerm[i] = noiseTerm * Math.max(sigma[i], precision.epsilon * tp.scale[i]);
    // The kink screen holds gaps against the noise ECnoise accepted, as the Richardson stencil's does: a kink near x
    // inflates the measured noise of its own output and would hide behind it.
    const screen = kinkNoise();
    const given = (i: number): number => (screen ? screen[i] : ctx.noiseFloor);
    let kinkLike = false;
    for (let i = 0; i < m; i++) {
      if (!Number.isFinite(tp.value[i])) return undefined;
      if (kinkLikeOnTwoPoints(tp.gap[i], tp.slope[i], tp.scale[i], t2, precision.epsilon, given(i))) kinkLike = true;
    }
    if (kinkLike) return undefined;
    let analytic: Float64Array;
    let numeric: Float64Array;
    let gateNoise: Float64Array;
    let u: Float64Array | undefined;
    let g: Float64Array[] | undefined;
    if (oracle.jvp) {
      analytic = oracle.jvp(tp.tangent);
      numeric = tp.value;
      gateNoise = gateTerm;
    } else {
      u = gaussianVector(ctx.random, outSize);
      g = oracle.vjp!(u);
      analytic = Float64Array.of(dot(g, tp.tangent));
      let n = 0;
      for (let i = 0; i < outSize; i++) n += u[i] * tp.value[i];
      numeric = Float64Array.of(n);
      gateNoise = Float64Array.of(combinedError(u, gateTerm));
    }
    syncCalls();
    const fixed = new Float64Array(analytic.length);
    for (let k = 0; k < analytic.length; k++) {
      if (!agreesOnTwoPoints(analytic[k], numeric[k], tol.atol, tol.rtol, gateNoise[k])) return undefined;
      fixed[k] = twoPointFactor * Math.abs(analytic[k] - numeric[k]);
    }
    // Decided. Reported as the Richardson stencil at t would hold it: its noise term, if larger, and the
    // disagreement scaled up to that stencil's truncation.
    const dd: DirectionalDerivative = {
      value: tp.value,
      error: new Float64Array(m),
      kinkSuspect: new Uint8Array(m),
      tangent: tp.tangent,
      d4sq: new Float64Array(m),
      truncation: new Float64Array(m),
      noiseFactor: Math.max(noiseTerm, (NOISE_SIGMAS * RICHARDSON_NOISE) / t),
      scale: tp.scale,
      gap: tp.gap,
      smooth: new Float64Array(m),
      slope: tp.slope,
      t: t2,
      evaluations: tp.evaluations,
    };
    const probe: Probe = { direction, t, dd, analytic, numeric, error: fixed, tolerance: fixed, worst: 0, fixed };
    if (u) probe.u = u;
    if (g) probe.g = g;
    rejudge(probe);
    return probe;
  };

  const done: Probe[] = [];
  let anyStencil = false;
  for (let p = 0; p < probes; p++) {
    // Normals times each entry's scale max(|x_j|, 1), drawn in one pass.
    let vmax = 0;
    const direction = sizes.map((n, b) => {
      const d = new Float64Array(n);
      vmax = Math.max(vmax, ctx.random.fillGaussian(d, ctx.buffers[b]));
      return d;
    });
    // The largest coordinate moves base·max(|x|, 1), as in full mode.
    // With the whole Jacobian at hand no user code runs between the probes, so one comparison after them all
    // names f as surely as one after each (a jvp or vjp call would otherwise be blamed for f's mutation).
    const t = base / (vmax || 1);
    const deferCheck = oracle.full !== undefined;
    const probe = twoPointProbe(direction, t, deferCheck);
    if (!probe) anyStencil = true;
    done.push(probe ?? compare(direction, t, undefined, undefined, deferCheck));
  }
  // After two-point probes alone the differentiated inputs are known to be intact (see twoPointProbe).
  if (oracle.full) ctx.checkMutation(`${ctx.labels.f} (during finite differences)`, !anyStencil);
  // Probes that fail, or whose one-sided differences look like a kink, are re-examined (as full mode refines
  // entries that fail or look like a kink).
  const suspect = (p: Probe): boolean => {
    if (p.worst > 1) return true;
    const k = p.dd.kinkSuspect;
    for (let i = 0; i < k.length; i++) if (k[i] === 1 && (oracle.jvp !== undefined || p.u![i] !== 0)) return true;
    return false;
  };
  /** σ raised to `floor` where it is larger (σ is this check's own array here). */
  const raiseSigma = (floor: ArrayLike<number>): void => {
    for (let i = 0; i < outSize; i++) if (floor[i] > sigma[i]) sigma[i] = floor[i];
  };
  if (lazyNoise) {
    // σ of each output from the probes' fourth differences (their mean square), as full mode pools its columns'.
    // (Probes decided on two points have no fourth difference: where all were, σ stays and so do the probes.)
    const stenciled = done.filter((p) => !p.fixed);
    if (stenciled.length > 0) {
      const pooled = new Float64Array(outSize);
      for (let i = 0; i < outSize; i++) {
        let sum = 0;
        for (const p of stenciled) sum += p.dd.d4sq[i];
        pooled[i] = Math.sqrt((noiseGamma(4) * sum) / stenciled.length);
      }
      raiseSigma(pooled);
      for (const p of done) rejudge(p);
    }
    // A failing or kinked probe, or an output noisier than 64 roundings of its values (cancellation: four probes'
    // fourth differences may see only part of it) whose error estimate is a sizable part of its tolerance: measure
    // the noise lines now, and judge the probes again against the larger σ. The stated size rests on these
    // tolerances, so a noise term that matters is measured even when every probe passes by a wide margin.
    const noisyRow = (p: Probe, i: number): boolean => sigma[i] > 64 * precision.epsilon * p.dd.scale[i] + precision.tiny;
    const matters = (p: Probe, k: number): boolean => ERROR_ESTIMATE_FACTOR * p.error[k] > 0.25 * p.tolerance[k];
    const noisyProbe = (p: Probe): boolean => {
      for (let i = 0; i < p.dd.scale.length; i++) {
        if (noisyRow(p, i) && (oracle.jvp ? matters(p, i) : matters(p, 0))) return true;
      }
      return false;
    };
    if (done.some(noisyProbe) || done.some(suspect)) {
      raiseSigma(ctx.noise(2));
      for (const p of done) rejudge(p);
    }
  }
  const probeEvaluations = ctx.evaluations;
  const failing = done.filter(suspect).sort((a, b) => b.worst - a.worst);

  if (failing.length === 0) return passVerdict(ctx, done, oracle, probes, target, syncCalls);

  // A failing probe is re-examined on a ladder of smaller steps along its direction (8 evaluations): a kink at x
  // along it means f is not differentiable there; a kink near x that the first stencil straddled, or an estimate
  // the ladder improves on, replaces the probe's numeric side, as refinement does for an entry in full mode.
  // A kink the ladder finds along a probe is believed only where one input entry shows it on its own ladder, as
  // full mode would see it: the coordinates are bisected (a ladder along each half that still shows it) down to
  // single entries. Moving every input at once, a staircase of rounding quanta in some output (a saturated
  // softmax) can pass the ladder's kink test; moving one entry, it does not.
  let kinkAt: { b: number; j: number; entries: number } | undefined;
  let kinkLadders = 0;
  // Set when the search ran out of ladders before it finished: a kink it could not rule out still counts.
  let kinkSearchExhausted = false;
  /** Takes one ladder from the budget; false (and the search marked exhausted) when none is left. */
  const spendLadder = (): boolean => {
    if (kinkLadders >= MAX_KINK_LADDERS) kinkSearchExhausted = true;
    else kinkLadders++;
    return !kinkSearchExhausted;
  };
  const locateKink = (p: Probe, rows: number[], lo: number, hi: number): { b: number; j: number; entries: number } | undefined => {
    if (hi - lo === 1) {
      if (!spendLadder()) return undefined;
      const [b, j] = locate(lo);
      const r = refineColumn((k) => ctx.evaluateGuarded(b, k), ctx.buffers[b], f0, j, stepOf(b, j), rows, sigma, {
        epsilon: precision.epsilon,
        round: precision.name === 'float32' ? precision.round : undefined,
        kinkNoise: ctx.acceptedNoise(),
      });
      ctx.checkMutation(`${ctx.labels.f} (during finite differences)`);
      const entries = r.entries.filter((e) => e.kink).length;
      return entries > 0 ? { b, j, entries } : undefined;
    }
    const mid = lo + Math.ceil((hi - lo) / 2);
    for (const [a, z] of [
      [lo, mid],
      [mid, hi],
    ]) {
      if (!spendLadder()) return undefined;
      const r = refineAlong(() => ctx.evaluateGuarded(), ctx.buffers, restrictedDirection(p.direction, a, z), p.t, f0, rows, sigma, ctx.acceptedNoise(), { precision });
      ctx.checkMutation(`${ctx.labels.f} (during finite differences)`);
      const kinkedRows = r.entries.filter((e) => e.kink).map((e) => e.row);
      if (kinkedRows.length === 0) continue;
      const found = locateKink(p, kinkedRows, a, z);
      if (found) return found;
    }
    return undefined;
  };
  /** The ladder along a probe's direction (8 evaluations), over the rows that fail or look like a kink. */
  const ladderAlong = (p: Probe): ReturnType<typeof refineAlong> => {
    const rows = [...p.dd.value.keys()].filter((i) => (oracle.jvp ? p.dd.kinkSuspect[i] === 1 || !(Math.abs(p.analytic[i] - p.numeric[i]) <= p.tolerance[i]) : p.u![i] !== 0));
    const r = refineAlong(() => ctx.evaluateGuarded(), ctx.buffers, p.direction, p.t, f0, rows, sigma, ctx.acceptedNoise(), { precision });
    ctx.checkMutation(`${ctx.labels.f} (during finite differences)`);
    return r;
  };
  /** Takes the ladder's estimates as a smooth probe's numeric side where they win (see refinementWins), and re-judges it. */
  const takeLadder = (p: Probe, r: ReturnType<typeof refineAlong>): void => {
    const value = Float64Array.from(p.dd.value);
    const error = Float64Array.from(p.dd.error);
    for (const e of r.entries) {
      if (refinementWins(e, value[e.row], error[e.row])) {
        value[e.row] = e.value;
        error[e.row] = e.error;
      }
    }
    if (oracle.jvp) {
      p.numeric = value;
      p.error = error;
    } else {
      const u = p.u!;
      p.numeric = Float64Array.of(value.reduce((acc, v, i) => acc + u[i] * v, 0));
      p.error = Float64Array.of(combinedError(u, error));
    }
    p.tolerance = tolerances(tol, p.analytic, p.numeric, p.error);
    p.worst = worstExcess(p);
  };
  let kinked = 0;
  let unconfirmedKinks = 0;
  for (const p of failing) {
    const r = ladderAlong(p);
    const kinkedRows = r.entries.filter((e) => e.kink).map((e) => e.row);
    const at = kinkedRows.length > 0 ? (kinkAt ?? locateKink(p, kinkedRows, 0, total)) : undefined;
    // A kink located, or one the search ran out of ladders before it could rule out (as before the search).
    if (at || (kinkedRows.length > 0 && kinkSearchExhausted)) {
      kinkAt ??= at;
      p.kink = true;
      kinked++;
      continue;
    }
    if (kinkedRows.length > 0) unconfirmedKinks++;
    // No kink, or none that an input entry shows on its own: the ladder's estimates stand as smooth ones.
    takeLadder(p, r);
  }
  // Worst first again: the ladder has re-judged them.
  const smooth = failing.filter((p) => !p.kink && p.worst > 1).sort((a, b) => b.worst - a.worst);
  if (smooth.length === 0) {
    if (kinked === 0) {
      const v = passVerdict(ctx, done, oracle, probes, target, syncCalls);
      v.fast!.localizationEvaluations = ctx.evaluations - probeEvaluations;
      if (unconfirmedKinks > 0) {
        v.notice = `a probe's ladder saw a kink that no single input entry shows (a kink off the coordinate axes, or a staircase of rounding): the pass rests on the ladder's estimate along ${unconfirmedKinks === 1 ? 'that probe' : `those ${unconfirmedKinks} probes`}`;
      }
      return v;
    }
    return {
      status: 'nondifferentiable',
      message: `f has a kink at the input ${kinkAt ? `in ${ctx.wrt[kinkAt.b]}[${kinkAt.j}] (seen along ${kinked === 1 ? 'a probe direction' : `${kinked} probe directions`})` : `along ${kinked === 1 ? 'a probe direction' : `${kinked} probe directions`}`}: the one-sided differences disagree at every step`,
      hints: [],
      diagnoses: [],
      entries: [],
      maxAbsError: NaN,
      maxRelError: NaN,
      evaluations: ctx.evaluations,
      derivativeCalls: ctx.derivativeCalls,
      // The entries of the column located (others may sit at kinks too).
      kinks: kinkAt ? kinkAt.entries : 0,
      jacobians: [],
      fast: { probes, localizationEvaluations: ctx.evaluations - probeEvaluations },
    };
  }

  // Localize: bisect the coordinates of the worst failing probe in blocks, down to single columns.
  const probe = smooth[0];
  const restricted = (lo: number, hi: number): Float64Array[] => restrictedDirection(probe.direction, lo, hi);
  const entries: EntryComparison[] = [];
  let kinks = 0;
  let taylor: TaylorSummary | undefined;
  const refutedColumns = new Set<number>();
  let leaves = 0;
  let wrongColumns = 0;
  let truncated = false;
  /** Searches the coordinates lo … hi − 1 for wrong columns; true when it found one there. */
  const find = (lo: number, hi: number): boolean => {
    if (wrongColumns >= MAX_LOCALIZED_COLUMNS || leaves >= 3 * MAX_LOCALIZED_COLUMNS) {
      truncated = true;
      return false;
    }
    if (hi - lo === 1) {
      leaves++;
      const [b, j] = locate(lo);
      const r = checkColumn(ctx, oracle, b, j, stepOf(b, j), sigma, syncCalls);
      kinks += r.kinks;
      if (r.taylor && (!taylor || taylor.outcome === 'refuted')) taylor = r.taylor;
      if (r.taylor?.outcome === 'refuted') refutedColumns.add(lo);
      const wrong = r.entries.some((e) => !(e.absError <= e.tolerance));
      if (wrong) wrongColumns++;
      entries.push(...r.entries);
      return wrong;
    }
    const mid = lo + Math.ceil((hi - lo) / 2);
    const left = compare(restricted(lo, mid), probe.t, probe.u, probe.g).worst;
    if (left > 1) {
      const found = find(lo, mid);
      // Every half that fails on its own holds a wrong column (or a share of a spread error).
      return (compare(restricted(mid, hi), probe.t, probe.u, probe.g).worst > 1 && find(mid, hi)) || found;
    }
    // The whole block failed and its left half did not: by linearity the right half carries the error, when the
    // left half is plainly clean. An error near the threshold can hide in its half, though (the relative part of
    // a half's tolerance grows with that half's J·v): a left half past CLEAN_SHARE of its tolerance has the right
    // half measured too, and the search follows the half that goes further past its tolerance, then the other.
    if (left < CLEAN_SHARE) return find(mid, hi);
    const right = compare(restricted(mid, hi), probe.t, probe.u, probe.g).worst;
    return right >= left ? find(mid, hi) || find(lo, mid) : find(lo, mid) || find(mid, hi);
  };
  find(0, total);

  const wrong = entries.filter((e) => !(e.absError <= e.tolerance));
  const fast = { probes, localizationEvaluations: ctx.evaluations - probeEvaluations };
  const verdict: Verdict = {
    status: wrong.length > 0 ? 'fail' : kinks > 0 ? 'nondifferentiable' : 'pass',
    hints: [],
    diagnoses: [],
    entries: [...wrong.sort((p, q) => excess(q) - excess(p)), ...entries.filter((e) => e.absError <= e.tolerance)].slice(0, options.maxEntries ?? 10),
    maxAbsError: entries.reduce((m, e) => Math.max(m, e.absError), 0),
    maxRelError: wrong.reduce((m, e) => Math.max(m, e.relError), 0),
    evaluations: ctx.evaluations,
    derivativeCalls: ctx.derivativeCalls,
    kinks,
    jacobians: [],
    fast,
  };
  if (taylor) verdict.taylor = taylor;
  if (wrong.length > 0) {
    if (truncated) verdict.message = `fast mode stopped after localizing ${wrongColumns} wrong columns; there may be more (full mode lists them all)`;
    return verdict;
  }
  if (kinks > 0) {
    verdict.message = `${kinks} Jacobian ${kinks === 1 ? 'entry sits' : 'entries sit'} at a kink: the one-sided differences disagree`;
    return verdict;
  }
  if (refutedColumns.size > 0 && refutedColumns.size === leaves && taylor) {
    verdict.message = `a probe disagreed in ${taylor.input}[${taylor.inIndex}], but the Taylor test clears the analytic derivative there`;
    return verdict;
  }
  // No single entry explains the failing probe: the error is spread thinly over many entries, or the probe's own
  // estimate was off. The Taylor test along the probe's direction decides.
  // The Taylor ladder is held to the noise ECnoise accepted: the fit at the stencil's reach also sees kinks near x.
  const line = probeTaylor(ctx, oracle, probe, ctx.acceptedNoise());
  syncCalls();
  verdict.taylor = line;
  if (line.outcome === 'refuted') {
    verdict.message = `probe ${done.indexOf(probe) + 1} disagreed, but no entry does and the Taylor test along it clears the analytic derivative`;
    return verdict;
  }
  const which = oracle.jvp ? 'J·v' : 'uᵀJ·v';
  const k = probe.analytic.findIndex((a, i) => !(Math.abs(a - probe.numeric[i]) <= probe.tolerance[i]));
  // J·v is linear in v: the sum over the two halves of a probe's coordinates measures it too, each half moving f
  // less far along its line. An error in the derivative shows in the sum as in the whole (by that linearity); a
  // disagreement the sum does not show came from f along the whole line, a kink its stencil crossed that the
  // halves' stencils (and every single entry's) stay clear of, not from the derivative. The sum is held to the
  // whole probe's own tolerance (the halves' errors added would let an error up to twice it through), each half
  // must pass on its own, every failing probe must clear it, and a Taylor test that confirmed the disagreement
  // stands.
  const halvesSum = (p: Probe): Float64Array | undefined => {
    if (total < 2) return undefined;
    const mid = Math.ceil(total / 2);
    const sum = new Float64Array(p.analytic.length);
    for (const half of [restrictedDirection(p.direction, 0, mid), restrictedDirection(p.direction, mid, total)]) {
      // Each half as the probe itself was taken: its stencil, then the ladder where it fails.
      const h = compare(half, p.t, p.u, p.g);
      if (h.worst > 1) {
        const r = ladderAlong(h);
        if (r.entries.some((e) => e.kink)) return undefined;
        takeLadder(h, r);
        if (h.worst > 1) return undefined;
      }
      for (let i = 0; i < sum.length; i++) sum[i] += h.numeric[i];
    }
    for (let i = 0; i < sum.length; i++) if (!(Math.abs(p.analytic[i] - sum[i]) <= p.tolerance[i])) return undefined;
    return sum;
  };
  if (line.outcome !== 'confirmed') {
    // The worst failing probe first (it is smooth[0]), then the others while each clears it.
    const sum = halvesSum(probe);
    const all = sum !== undefined && smooth.slice(1).every((p) => halvesSum(p) !== undefined);
    syncCalls();
    if (sum && all) {
      verdict.fast!.localizationEvaluations = ctx.evaluations - probeEvaluations;
      verdict.evaluations = ctx.evaluations;
      verdict.derivativeCalls = ctx.derivativeCalls;
      verdict.notice =
        `probe ${done.indexOf(probe) + 1} disagreed (${which} ${probe.analytic[k].toPrecision(6)} analytically, ${probe.numeric[k].toPrecision(6)} by finite differences), ` +
        `but the sum over the two halves of its direction agrees (${sum[k].toPrecision(6)})${smooth.length > 1 ? `, as it does for the other ${smooth.length - 1} failing ${smooth.length === 2 ? 'probe' : 'probes'}` : ''}: ` +
        `a difference that is not linear in the direction comes from f along that line (a kink its stencil crossed that no single entry's reaches), not from the derivative`;
      return verdict;
    }
  }
  verdict.status = 'fail';
  // The entries visited all passed: listing one as the worst would point at the wrong place.
  verdict.entries = [];
  verdict.maxAbsError = Math.abs(probe.analytic[k] - probe.numeric[k]);
  verdict.maxRelError = relativeError(probe.analytic[k], probe.numeric[k]);
  // Enough digits to show the two values apart, and the difference against the probe's tolerance.
  verdict.message = `the directional derivative ${which} of probe ${done.indexOf(probe) + 1} is ${probe.analytic[k].toPrecision(12)} analytically but ${probe.numeric[k].toPrecision(12)} by finite differences${oracle.jvp ? ` (output index ${k})` : ''}, a difference of ${verdict.maxAbsError.toExponential(2)} against a tolerance of ${probe.tolerance[k].toExponential(2)}, and no single entry exceeds its tolerance: the error is spread over many entries`;
  return verdict;
}

/** The verdict of a check whose probes all passed: the error size they would catch and the chance they missed it. */
function passVerdict(ctx: CheckContext, done: Probe[], oracle: AnalyticOracle, probes: number, target: number, syncCalls: () => void): Verdict {
  // A single-entry error δ at (i, j) moves the compared value by δ·d_j (times u_i for a vjp), d_j = s_j·N(0, 1).
  let sMin = Infinity;
  for (const buf of ctx.buffers) sMin = Math.min(sMin, smallestScale(buf));
  const taus = done.map((p) => p.tolerance.reduce((m, t) => Math.max(m, t), 0));
  const within = oracle.jvp ? normalWithin : normalProductWithin;
  const miss = (delta: number): number => taus.reduce((prod, tau) => prod * within(tau / (delta * sMin)), 1);
  const tauMax = Math.max(...taus);
  const tauMin = Math.min(...taus.filter((t) => t > 0), tauMax);
  const delta = tauMax > 0 ? sizeAtMissProbability(miss, target, tauMin * 1e-3, tauMax * 1e9) : 0;
  // The relative size is stated against a lower bound of the Jacobian's largest entry, so it never flatters: the
  // largest analytic entry where the form hands over the whole Jacobian; else the largest entry of a few analytic
  // columns (jvp) or rows (vjp), and the Hölder bounds |(Jd)_i| / ‖d‖₁ and |(uᵀJ)_j| / ‖u‖₁ of the probes.
  let scale = 0;
  if (oracle.largestEntry) {
    scale = oracle.largestEntry();
  } else if (oracle.jvp) {
    for (const p of done) {
      const l1 = p.direction.reduce((s, d) => s + d.reduce((t, y) => t + Math.abs(y), 0), 0);
      for (const a of p.analytic) if (l1 > 0) scale = Math.max(scale, Math.abs(a) / l1);
    }
    for (let k = 0; k < SCALE_SAMPLES; k++) {
      const b = Math.floor(ctx.random.uniform() * ctx.buffers.length);
      const j = Math.floor(ctx.random.uniform() * ctx.buffers[b].length);
      if (ctx.buffers[b].length > 0) for (const v of oracle.column!(b, j)) scale = Math.max(scale, Math.abs(v));
    }
  } else {
    for (const p of done) {
      const l1 = p.u!.reduce((s, y) => s + Math.abs(y), 0);
      for (const g of p.g!) for (const v of g) if (l1 > 0) scale = Math.max(scale, Math.abs(v) / l1);
    }
    for (let k = 0; k < SCALE_SAMPLES && ctx.outSize > 0; k++) {
      const u = new Float64Array(ctx.outSize);
      u[Math.floor(ctx.random.uniform() * ctx.outSize)] = 1;
      for (const g of oracle.vjp!(u)) for (const v of g) scale = Math.max(scale, Math.abs(v));
    }
  }
  syncCalls();
  const verdict: Verdict = {
    status: 'pass',
    hints: [],
    diagnoses: [],
    entries: [],
    maxAbsError: 0,
    maxRelError: 0,
    evaluations: ctx.evaluations,
    derivativeCalls: ctx.derivativeCalls,
    kinks: 0,
    jacobians: [],
    fast: { probes, missProbability: target, localizationEvaluations: 0 },
  };
  for (const p of done) {
    p.analytic.forEach((a, i) => {
      const n = p.numeric[i];
      verdict.maxAbsError = Math.max(verdict.maxAbsError, Math.abs(a - n));
      if (Math.abs(n) > 2 * p.tolerance[i]) verdict.maxRelError = Math.max(verdict.maxRelError, relativeError(a, n));
    });
  }
  // The relative part of a probe's tolerance, rtol·|J·d|, grows with the very coordinate d_j that shows an error in
  // entry (i, j): an error only shows once it exceeds rtol·|J_ij| as well, hence the added rtol.
  if (scale > 0 && delta > 0) verdict.sensitivity = delta / scale + ctx.tol.rtol;
  return verdict;
}

/**
 * Checks one column (input b, entry j) as full mode checks it: Richardson central differences at step h with the
 * measured noise, the analytic column from the oracle, a ladder of smaller steps for failing or kink-like entries,
 * and the Taylor test for failures on noisy functions. Returns every entry of the column (or, for a vjp with many
 * outputs, the entries its row bisection visited).
 */
function checkColumn(
  ctx: CheckContext,
  oracle: AnalyticOracle,
  b: number,
  j: number,
  h: number,
  sigma: Float64Array,
  syncCalls: () => void,
): { entries: EntryComparison[]; kinks: number; taylor?: TaylorSummary } {
  const { tol, precision, outSize } = ctx;
  const f0 = ctx.f0.data;
  const unit = ctx.buffers.map((buf, c) => {
    const e = new Float64Array(buf.length);
    if (c === b) e[j] = 1;
    return e;
  });
  const dd = directionalDerivative(() => ctx.evaluateGuarded(b, j), ctx.buffers, unit, h, f0, sigma, { precision, kinkNoise: ctx.acceptedNoise() });
  ctx.checkMutation(`${ctx.labels.f} (during finite differences)`);
  // The stored stencil realises a step a little off h: the tangent's j-th entry says by how much.
  const stretch = dd.tangent[b][j];
  const numeric = dd.value.map((v) => v / stretch);
  const error = dd.error.map((e) => e / Math.abs(stretch));
  const rows = analyticRows(ctx, oracle, b, j, numeric, error, syncCalls);
  const entries: EntryComparison[] = [];
  const refine: number[] = [];
  for (const [i, a] of rows) {
    if (!(Math.abs(a - numeric[i]) <= entryTolerance(tol, a, numeric[i], error[i])) || dd.kinkSuspect[i]) refine.push(i);
  }
  let kinks = 0;
  const kink = new Set<number>();
  if (refine.length > 0) {
    const r = refineColumn((k) => ctx.evaluateGuarded(b, k), ctx.buffers[b], f0, j, h, refine, sigma, {
      epsilon: precision.epsilon,
      round: precision.name === 'float32' ? precision.round : undefined,
      kinkNoise: ctx.acceptedNoise(),
    });
    ctx.checkMutation(`${ctx.labels.f} (during finite differences)`);
    for (const e of r.entries) {
      if (e.kink) {
        kink.add(e.row);
        kinks++;
      } else if (refinementWins(e, numeric[e.row], error[e.row])) {
        numeric[e.row] = e.value;
        error[e.row] = e.error;
      }
    }
  }
  let taylor: TaylorSummary | undefined;
  const failingRows = [...rows].filter(([i, a]) => !kink.has(i) && !(Math.abs(a - numeric[i]) <= entryTolerance(tol, a, numeric[i], error[i])));
  if (failingRows.length > 0) {
    const analytic = new Float64Array(outSize);
    for (const [i, a] of rows) analytic[i] = a;
    taylor = taylorColumn(ctx, b, j, analytic, numeric, ctx.acceptedNoise(), rows.size < outSize ? [...rows.keys()] : undefined);
    syncCalls();
  }
  for (const [i, a] of rows) {
    if (kink.has(i)) continue;
    const n = numeric[i];
    const t = entryTolerance(tol, a, n, error[i]);
    const absError = Math.abs(a - n);
    // A column the Taylor test cleared is held to its observed error: it does not fail.
    const tolerance = taylor?.outcome === 'refuted' ? Math.max(t, absError) : t;
    entries.push({ input: ctx.wrt[b], outIndex: i, inIndex: j, analytic: a, numeric: n, absError, relError: relativeError(a, n), errorEstimate: error[i], tolerance });
  }
  return taylor ? { entries, kinks, taylor } : { entries, kinks };
}

/**
 * The analytic entries of column j of input b, as (row, value) pairs: the whole column where the form gives
 * columns (or for a vjp with few outputs), else the rows a bisection over output blocks finds disagreeing with the
 * numeric column.
 */
function analyticRows(
  ctx: CheckContext,
  oracle: AnalyticOracle,
  b: number,
  j: number,
  numeric: Float64Array,
  error: Float64Array,
  syncCalls: () => void,
): Map<number, number> {
  const outSize = ctx.outSize;
  const rows = new Map<number, number>();
  if (oracle.column) {
    oracle.column(b, j).forEach((a, i) => rows.set(i, a));
    syncCalls();
    return rows;
  }
  const entry = (i: number): number => {
    const u = new Float64Array(outSize);
    u[i] = 1;
    return oracle.vjp!(u)[b][j];
  };
  if (outSize <= VJP_DIRECT_ROWS) {
    for (let i = 0; i < outSize; i++) rows.set(i, entry(i));
    syncCalls();
    return rows;
  }
  const weights = gaussianVector(ctx.random, outSize);
  const differs = (lo: number, hi: number): boolean => {
    const u = new Float64Array(outSize);
    let n = 0;
    let e = 0;
    for (let i = lo; i < hi; i++) {
      u[i] = weights[i];
      n += weights[i] * numeric[i];
      e += Math.abs(weights[i]) * error[i];
    }
    const a = oracle.vjp!(u)[b][j];
    return !(Math.abs(a - n) <= entryTolerance(ctx.tol, a, n, e));
  };
  const find = (lo: number, hi: number, known: boolean): void => {
    if (rows.size >= 4 * MAX_LOCALIZED_COLUMNS) return;
    if (!known && !differs(lo, hi)) return;
    if (hi - lo === 1) {
      rows.set(lo, entry(lo));
      return;
    }
    const mid = lo + Math.ceil((hi - lo) / 2);
    const left = differs(lo, mid);
    if (left) find(lo, mid, true);
    find(mid, hi, !left);
  };
  find(0, outSize, false);
  syncCalls();
  return rows;
}

/**
 * The Taylor test along a failing probe's direction, on the probe's own quantity (J·v, or uᵀJ·v for a vjp): the
 * analytic prediction J·Δ for the displacement Δ each rung really makes, against the numeric (J·v)·h.
 */
function probeTaylor(ctx: CheckContext, oracle: AnalyticOracle, probe: Probe, sigma: Float64Array): TaylorSummary {
  const origin = ctx.buffers.map((buf) => Float64Array.from(buf));
  const round = ctx.precision.round;
  let displacement: Float64Array[] = origin.map((o) => new Float64Array(o.length));
  // The rung h moves the inputs by (h/κ)·d, so that no entry moves by more than h·max(|x|, 1).
  let kappa = 0;
  probe.direction.forEach((d, b) => d.forEach((y, j) => (kappa = Math.max(kappa, Math.abs(y) / Math.max(Math.abs(origin[b][j]), 1)))));
  kappa ||= 1;
  const line = {
    move: (h: number): number => {
      ctx.buffers.forEach((buf, b) => {
        for (let j = 0; j < buf.length; j++) buf[j] = round(origin[b][j] + (h / kappa) * probe.direction[b][j]);
      });
      displacement = ctx.buffers.map((buf, b) => buf.map((x, j) => x - origin[b][j]));
      return h / kappa;
    },
    restore: (): void => ctx.buffers.forEach((buf, b) => buf.set(origin[b])),
  };
  const u = probe.u;
  const project = (v: Float64Array): Float64Array => (u ? Float64Array.of(v.reduce((s, y, i) => s + y * u[i], 0)) : v);
  const analytic = (): Float64Array => (oracle.jvp ? oracle.jvp(displacement) : Float64Array.of(dot(probe.g!, displacement)));
  // The probe's numeric value is the derivative along d: the numeric prediction for the rung is value·(h/κ).
  const numeric = (step: number): Float64Array => probe.numeric.map((v) => v * step);
  const noise = u ? Float64Array.of(Math.sqrt(u.reduce((s, y, i) => s + y * y * sigma[i] * sigma[i], 0))) : sigma;
  const result = taylorTest(line, () => project(ctx.evaluateGuarded()), project(ctx.f0.data), [analytic, numeric], noise);
  ctx.checkMutation(`${ctx.labels.f} (during the Taylor test)`);
  const [fa, fn] = result.fits;
  const outcome = taylorOutcome(result);
  return { input: ctx.wrt.join(', '), inIndex: -1, slope: fa.slope, numericSlope: fn.slope, points: fa.points, outcome, evaluations: result.evaluations };
}
