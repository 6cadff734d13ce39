import { estimateNoise, fitNoise } from '../fd/ecnoise.js';
import { staircase } from '../fd/staircase.js';
import { FLOAT32_BASE_STEP, FLOAT64_BASE_STEP } from '../fd/step.js';
import { precisionModel, type PrecisionModel } from '../fd/precision.js';
import { hashNumbers, rng, type Rng } from '../fd/random.js';
import { cloneTensor, formatShape, isTensor, type Tensor } from '../tensor/index.js';
import { derivativeKind } from './analytic.js';
import type { CheckOptions, CheckSpec, NamedTensors, Precision, Tolerance } from './types.js';
import { asTensor, callUser, UserCodeError } from './user-call.js';

/** Default tolerances per precision: tight, because each entry's own error estimate is added on top. */
export function defaultTolerance(precision: Precision): Tolerance {
  return precision === 'float32' ? { atol: 0, rtol: 1e-5 } : { atol: 0, rtol: 1e-7 };
}

/** The names a check uses for the function and its derivative in messages. */
export interface CheckLabels {
  /** @defaultValue 'f' */
  f: string;
  /** @defaultValue the derivative form's name */
  derivative: string;
}

/**
 * One check at one input, opened: the inputs (rounded to the spec's precision), f at them, counters, and the
 * guarded ways to evaluate f that every mode shares. Opening already proves f deterministic and non-mutating there.
 */
export interface CheckContext {
  readonly spec: CheckSpec;
  readonly precision: PrecisionModel;
  readonly tol: Tolerance;
  readonly wrt: readonly string[];
  /** The inputs as checked (rounded to float32 for a float32 spec), never handed to user code. */
  readonly snapshot: NamedTensors;
  /** The inputs handed to user code; finite differences move the differentiated ones in place. */
  readonly working: NamedTensors;
  readonly f0: Tensor;
  readonly outSize: number;
  /** The working data of the differentiated inputs, in `wrt` order. */
  readonly buffers: Float64Array[];
  /** A random source seeded by the input, so probes and directions replay with it. */
  readonly random: Rng;
  readonly labels: CheckLabels;
  evaluations: number;
  derivativeCalls: number;
  /**
   * Evaluates f at the working inputs for finite differences: checks size and finiteness, names the moved entries.
   * Writes the values into `into` when given (without allocating) and returns it, else returns a fresh array.
   */
  evaluate(into?: Float64Array): Float64Array;
  /**
   * Like evaluate, and throws a UserCodeError when f changes what it was handed: entry j of differentiated input b
   * when given (a cheap check), else any entry of the differentiated inputs.
   */
  evaluateGuarded(b?: number, j?: number, into?: Float64Array): Float64Array;
  /**
   * Throws a UserCodeError naming the first input that differs from the snapshot (and restores it); `skipDifferentiated`
   * leaves out the differentiated inputs, for a caller that has just restored them from the snapshot after
   * checking each evaluation's points itself.
   */
  checkMutation(what: string, skipDifferentiated?: boolean): void;
  /**
   * The noise σ of each output of f at x, the largest estimate over `lines` random lines through x (each measured
   * once): ECnoise on the first (8 or more evaluations), a polynomial fit at random offsets on the others (12 each);
   * floored at one rounding of f's value.
   */
  noise(lines?: number): Float64Array;
  /** True once noise() has been measured. */
  readonly noiseMeasured: boolean;
  /**
   * The noise σ that ECnoise accepted (its difference table levelled off, on a line far shorter than the finest
   * finite-difference rung), else one rounding of f's value: what kinks are judged against and steps are chosen
   * from. The fit at the stencil's reach also sees kinks and curvature near x, which are not noise: it only widens
   * tolerances. Measures noise() if it was not measured yet.
   */
  acceptedNoise(): Float64Array;
  /** The largest |f| per output seen at x and on the noise lines (the scale noise is relative to); measures noise() if needed. */
  valueScale(): Float64Array;
  /** The floor under every output's noise σ: the spec's noiseFloor, or gradproof's own (see InternalSettings). */
  readonly noiseFloor: number;
  /**
   * Outputs that did not move at all on a noise line at the stencil's reach but further out moved in steps of their
   * rounding (see staircase): per output index, the step and the distance (in reaches) it first moved at. Their
   * noise σ is step/√12, the standard deviation of rounding to that step. Empty until noise(2) has run.
   */
  readonly flatOutputs: ReadonlyMap<number, { step: number; distance: number }>;
}

function cloneInputs(inputs: NamedTensors, round?: (v: number) => number): NamedTensors {
  const out: NamedTensors = {};
  for (const [k, v] of Object.entries(inputs)) {
    const c = cloneTensor(v);
    if (round) for (let i = 0; i < c.data.length; i++) c.data[i] = round(c.data[i]);
    out[k] = c;
  }
  return out;
}

/** The first index where `now` differs from `was` in the sense of Object.is, or −1. */
export function firstChange(now: ArrayLike<number>, was: ArrayLike<number>): number {
  for (let i = 0; i < was.length; i++) {
    // Object.is, written out for speed: equal values (but not 0 and −0), or NaN both times.
    const a = now[i];
    const b = was[i];
    if (a === b ? a === 0 && 1 / a !== 1 / b : a === a || b === b) return i;
  }
  return -1;
}

/** The first input (outside `skip`) whose values differ from the snapshot, as "W[3]", or undefined; optionally restores it. */
export function findMutation(snapshot: NamedTensors, current: NamedTensors, restore = false, skip?: readonly string[]): string | undefined {
  for (const [name, t] of Object.entries(snapshot)) {
    if (skip?.includes(name)) continue;
    const c = current[name];
    if (c.data.length !== t.data.length) return `${name} (length changed)`;
    const i = firstChange(c.data, t.data);
    if (i >= 0) {
      if (restore) c.data.set(t.data);
      return `${name}[${i}]`;
    }
  }
  return undefined;
}

/** Describes which working entries differ from the snapshot, for messages. */
export function movedEntries(snapshot: NamedTensors, working: NamedTensors): string {
  let first = '';
  let count = 0;
  for (const [name, t] of Object.entries(snapshot)) {
    const c = working[name].data;
    for (let i = 0; i < c.length; i++) {
      if (c[i] !== t.data[i]) {
        if (count === 0) first = `${name}[${i}] was moved from ${t.data[i]} to ${c[i]}`;
        count++;
      }
    }
  }
  if (count === 0) return 'no input was moved';
  return count === 1 ? first : `${count} input entries were moved along a probe direction (the first: ${first})`;
}

/**
 * Copies what f returned into `into` when it is a number, a Float64Array or a well-formed tensor of that size (the
 * common returns, without building a Tensor); undefined for anything else, which the general conversion handles.
 */
function copyOutput(raw: unknown, into: Float64Array): Float64Array | undefined {
  if (typeof raw === 'number') {
    if (into.length !== 1) return undefined;
    into[0] = raw;
    return into;
  }
  let data: Float64Array | Float32Array | undefined;
  if (raw instanceof Float64Array) data = raw;
  else if (isTensor(raw)) {
    let size = 1;
    for (const d of raw.shape) {
      if (!(Number.isInteger(d) && d >= 0)) return undefined;
      size *= d;
    }
    if (size === raw.data.length) data = raw.data;
  }
  if (!data || data.length !== into.length) return undefined;
  // A short output is copied faster by hand than through TypedArray.prototype.set.
  if (data.length < 64) for (let i = 0; i < data.length; i++) into[i] = data[i];
  else into.set(data);
  return into;
}

/** Throws a UserCodeError naming the first non-finite entry of f's value. */
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

/** Settings a check gets from gradproof itself rather than from the user (second-order checks set them). */
export interface InternalSettings {
  /**
   * A floor for the noise σ of every output of f. A gradient computed by cancellation can be a constant rounding
   * residue whose own noise floor (one rounding of its tiny value) says nothing about the size of its terms.
   * @defaultValue 0
   */
  noiseFloor?: number;
}

/**
 * A function that brings the check's count of derivative calls up to date (those made since `start`, as `calls`
 * reports them) and, when user code ran since it was last called, checks that the derivative left the inputs alone.
 */
export function derivativeSync(ctx: CheckContext, calls: () => number, start = ctx.derivativeCalls): () => void {
  let synced = -1;
  return () => {
    const n = calls();
    if (n === synced) return;
    synced = n;
    ctx.derivativeCalls = start + n;
    ctx.checkMutation(ctx.labels.derivative);
  };
}

/** Counters a check keeps even when it ends in an error. */
export interface CheckCounters {
  evaluations: number;
  derivativeCalls: number;
}

/**
 * Opens a check: validates the spec's shape of things, rounds the inputs to the spec's precision, evaluates f twice
 * (nondeterminism is an error with the size of the difference) and checks that f left its inputs alone.
 * Throws UserCodeError for everything that ends in an `error` verdict; `counters` tracks the calls made either way.
 */
export function openCheck(
  spec: CheckSpec,
  inputs: NamedTensors,
  options: CheckOptions = {},
  labels?: Partial<CheckLabels>,
  counters: CheckCounters = { evaluations: 0, derivativeCalls: 0 },
  internal: InternalSettings = {},
): CheckContext {
  const precisionName = options.precision ?? spec.precision ?? 'float64';
  const precision = precisionModel(precisionName);
  const tol: Tolerance = { ...defaultTolerance(precisionName), ...stripUndefined(spec.tolerance), ...stripUndefined(options.tolerance) };
  const kind = derivativeKind(spec);
  const names: CheckLabels = { f: labels?.f ?? 'f', derivative: labels?.derivative ?? kind };
  const wrt = spec.wrt ? [...spec.wrt] : Object.keys(inputs);
  for (const name of wrt) {
    if (!(name in inputs)) throw new UserCodeError(`wrt names "${name}", which is not an input (inputs: ${Object.keys(inputs).join(', ')})`);
  }
  const round = precision.name === 'float32' ? precision.round : undefined;
  const snapshot = cloneInputs(inputs, round);
  const working = cloneInputs(snapshot);
  let measured: Float64Array | undefined;
  let accepted: Float64Array | undefined;
  let seen: Float64Array | undefined;
  let lines = 0;
  const flatOutputs = new Map<number, { step: number; distance: number }>();

  const ctx = {
    spec,
    precision,
    tol,
    wrt,
    snapshot,
    working,
    f0: undefined as unknown as Tensor,
    outSize: 0,
    buffers: wrt.map((n) => working[n].data),
    random: rng(hashNumbers(wrt.map((n) => snapshot[n].data), wrt.length)),
    labels: names,
    noiseFloor: internal.noiseFloor ?? 0,
    flatOutputs,
    get evaluations(): number {
      return counters.evaluations;
    },
    set evaluations(v: number) {
      counters.evaluations = v;
    },
    get derivativeCalls(): number {
      return counters.derivativeCalls;
    },
    set derivativeCalls(v: number) {
      counters.derivativeCalls = v;
    },
    get noiseMeasured(): boolean {
      return measured !== undefined;
    },
    evaluate(into?: Float64Array): Float64Array {
      counters.evaluations++;
      const raw = callUser(names.f, callSpecF);
      const out = (into && copyOutput(raw, into)) || asTensor(names.f, raw).data;
      if (out.length !== ctx.outSize) {
        throw new UserCodeError(`${names.f} returned ${out.length} values near the input (${movedEntries(snapshot, working)}), but ${ctx.outSize} at it`);
      }
      for (let i = 0; i < ctx.outSize; i++) {
        if (!Number.isFinite(out[i])) {
          throw new UserCodeError(`finite differences met ${String(out[i])}: ${names.f} returned it at output index ${i} when ${movedEntries(snapshot, working)}`);
        }
      }
      return out;
    },
    evaluateGuarded(b?: number, j?: number, into?: Float64Array): Float64Array {
      if (b !== undefined && j !== undefined) {
        const want = ctx.buffers[b][j];
        const out = ctx.evaluate(into);
        if (!Object.is(ctx.buffers[b][j], want)) throw new UserCodeError(`${names.f} (during finite differences) mutated its input ${wrt[b]}[${j}]`);
        return out;
      }
      const before = guardCopies;
      ctx.buffers.forEach((buf, c) => before[c].set(buf));
      const out = ctx.evaluate(into);
      ctx.buffers.forEach((buf, c) => {
        const k = firstChange(buf, before[c]);
        if (k >= 0) throw new UserCodeError(`${names.f} (during finite differences) mutated its input ${wrt[c]}[${k}]`);
      });
      return out;
    },
    checkMutation(what: string, skipDifferentiated = false): void {
      // A differentiated input is left out only while it still holds the buffer the caller guarded: f may have
      // put a new array (or tensor) in its place.
      const skip = skipDifferentiated ? wrt.filter((n, b) => working[n].data === ctx.buffers[b]) : undefined;
      const m = findMutation(snapshot, working, true, skip);
      if (m) throw new UserCodeError(`${what} mutated its input ${m}`);
    },
    noise(wanted = 1): Float64Array {
      const f0 = ctx.f0.data;
      while (lines < wanted || !measured) {
        // The first line is ECnoise's (equally spaced, small spacing); further lines fit a polynomial through random
        // offsets at the stencil's reach, where rounding that ECnoise sees as a straight ramp shows as the noise it is.
        const span = precision.name === 'float32' ? FLOAT32_BASE_STEP : FLOAT64_BASE_STEP;
        const profile =
          lines === 0
            ? estimateNoise(() => ctx.evaluateGuarded(), ctx.buffers, f0, ctx.random, { precision })
            : fitNoise(() => ctx.evaluateGuarded(), ctx.buffers, f0, ctx.random, { precision, span });
        const flatRows = profile.flat ? [...profile.flat.keys()].filter((i) => profile.flat![i] === 1) : [];
        if (flatRows.length > 0) {
          // An output that does not move at all at the stencil's reach may be a rounded smooth value (its noise is
          // its rounding step, invisible this close) or truly flat (its derivatives are 0): walk further out.
          const lenient = (): Float64Array | undefined => {
            try {
              return ctx.evaluate();
            } catch (e) {
              if (e instanceof UserCodeError) return undefined;
              throw e;
            }
          };
          const found = staircase(lenient, ctx.buffers, f0, ctx.random, { precision, span, rows: flatRows });
          for (const i of flatRows) {
            if (found.step[i] === 0) continue;
            flatOutputs.set(i, { step: found.step[i], distance: found.distance[i] });
            profile.sigma[i] = Math.max(profile.sigma[i], found.step[i] / Math.sqrt(12));
          }
        }
        ctx.checkMutation(`${names.f} (during noise estimation)`);
        const floored = profile.sigma.map((s, i) => Math.max(s, precision.epsilon * Math.abs(f0[i]), precision.tiny, ctx.noiseFloor));
        if (lines === 0) accepted = floored.map((s, i) => (profile.inform[i] === 1 ? s : Math.max(precision.epsilon * Math.abs(f0[i]), precision.tiny, ctx.noiseFloor)));
        measured = measured ? measured.map((s, i) => Math.max(s, floored[i])) : floored;
        seen = Float64Array.from(f0, (v, i) => Math.max(Math.abs(v), profile.scale[i], seen?.[i] ?? 0));
        lines++;
      }
      return measured;
    },
    acceptedNoise(): Float64Array {
      ctx.noise();
      return accepted!;
    },
    valueScale(): Float64Array {
      ctx.noise();
      return seen!;
    },
  };
  const callSpecF = (): unknown => spec.f(working);
  // What evaluateGuarded compares the differentiated inputs with after a call, reused from call to call.
  const guardCopies = wrt.map((n) => new Float64Array(working[n].data.length));
  const callF = (): Tensor => {
    counters.evaluations++;
    return asTensor(names.f, callUser(names.f, callSpecF));
  };

  if (spec.noiseFloor) {
    counters.evaluations++;
    const floor = callUser('noiseFloor', () => spec.noiseFloor!(working));
    if (!(typeof floor === 'number' && floor >= 0 && Number.isFinite(floor))) throw new UserCodeError(`noiseFloor returned ${String(floor)}, expected a finite number ≥ 0`);
    ctx.noiseFloor = Math.max(ctx.noiseFloor, floor);
  }
  const f0 = callF();
  ctx.f0 = f0;
  ctx.outSize = f0.data.length;
  assertFiniteAt(f0, names.f, 'at the input');
  const again = callF();
  const mutated = findMutation(snapshot, working);
  if (mutated) throw new UserCodeError(`${names.f} mutated its input ${mutated}`);
  if (again.data.length !== ctx.outSize) {
    throw new UserCodeError(`${names.f} is nondeterministic: two calls at the same input returned ${ctx.outSize} and ${again.data.length} values`);
  }
  let worstDiff = 0;
  let worstAt = -1;
  for (let i = 0; i < ctx.outSize; i++) {
    const d = Math.abs(again.data[i] - f0.data[i]);
    if (d > worstDiff || (Number.isNaN(d) && worstAt < 0)) {
      worstDiff = d;
      worstAt = i;
    }
  }
  if (worstAt >= 0) {
    throw new UserCodeError(`${names.f} is nondeterministic: two calls at the same input differ by ${worstDiff.toExponential(2)} at output index ${worstAt}`);
  }
  return ctx;
}
