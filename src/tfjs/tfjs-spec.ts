import * as tf from '@tensorflow/tfjs';
import type fc from 'fast-check';
import type { CheckSpec, DerivativeResult, NamedTensors, Tolerance } from '../check/types.js';
import { UserCodeError } from '../check/user-call.js';
import type { Tensor } from '../tensor/index.js';
import { fromTf, isTfTensor, toTf } from './convert.js';
import { constantInputs, declaredInputs, type TfjsDims, type TfjsInputDeclaration } from './inputs.js';

/** Named tf.Tensors, as the user's TF.js functions receive them. */
export type TfTensors<K extends string = string> = Record<K, tf.Tensor>;

/** What a hand-written TF.js derivative returns: a tf.Tensor per input name, or one bare tf.Tensor for one input. */
export type TfDerivative<K extends string = string> = tf.Tensor | Partial<Record<K, tf.Tensor>>;

/** How the derivative is taken from TF.js autodiff. */
export type TfjsAutodiffForm = 'vjp' | 'gradient';

/** A TF.js function to check, with its inputs and (optionally) a hand-written derivative. */
export interface TfjsSpecOptions<K extends string> {
  /** Name of the check, e.g. 'two-layer net'. */
  name: string;
  /** Inclusive integer ranges of the named dimensions the input shapes use. @defaultValue {} */
  dims?: TfjsDims;
  /** Inputs declared by shape (values rounded to float32), or a fast-check arbitrary of named tensors. */
  inputs: Record<K, TfjsInputDeclaration> | fc.Arbitrary<Record<K, Tensor>>;
  /** Inputs that are differentiated. @defaultValue every input not declared one-hot */
  wrt?: readonly NoInfer<K>[];
  /** The function, in TF.js ops: named float32 tf.Tensors in, one float32 tf.Tensor out (a scalar is rank 0). */
  f: (inputs: TfTensors<K>) => tf.Tensor;
  /**
   * A hand-written gradient of a scalar f, in TF.js ops. Without `gradient` or `vjp`, the derivative comes from
   * TF.js autodiff (`tf.grads`), which uses any `tf.customGrad` gradient inside f. @defaultValue none
   */
  gradient?: (inputs: TfTensors<K>) => TfDerivative<K>;
  /** A hand-written backward pass in TF.js ops: the cotangent dy (shaped like f's output) in. @defaultValue none */
  vjp?: (inputs: TfTensors<K>, dy: tf.Tensor) => TfDerivative<K>;
  /**
   * For autodiff: 'vjp' pulls each cotangent back with `tf.grads(f)(xs, dy)` (any f); 'gradient' takes
   * `tf.valueAndGrads(f)(xs)` once (scalar f only). @defaultValue 'vjp'
   */
  autodiff?: TfjsAutodiffForm;
  /** Tolerances; missing fields take the float32 defaults. */
  tolerance?: Partial<Tolerance>;
}

/** Unit roundoff of float32: the largest relative error of one rounding. */
const UNIT_ROUNDOFF = 2 ** -24;

/**
 * The largest magnitude among the float32 tensors fn creates (its inputs, intermediates and output) in the current
 * tf.tidy scope. A value of f computed by cancellation carries their rounding, far above that of f's own magnitude
 * (the loss −log ŷ_y = logsumexp(r) − r_y of a confident network is 1e-8 while r is 10). Infinities are left out;
 * intermediates of a tf.tidy nested inside fn are not seen.
 */
function largestIntermediate(fn: () => unknown): number {
  callTf('f', fn);
  let largest = 0;
  for (const t of tf.engine().state.activeScope.track) {
    if (t.isDisposed || t.dtype !== 'float32') continue;
    for (const v of t.dataSync() as Float32Array) {
      const a = Math.abs(v);
      if (a > largest && a !== Infinity) largest = a; // ±Infinity (a mask such as −∞ before a softmax) carries no rounding
    }
  }
  return largest;
}

/** Runs fn inside tf.tidy, so every tf.Tensor it creates is disposed, even when it throws. */
function tidied<T>(fn: () => T): T {
  let out: { value: T } | undefined;
  tf.tidy(() => {
    out = { value: fn() };
  });
  return out!.value;
}

function toTfRecord<K extends string>(inputs: Record<K, Tensor>): TfTensors<K> {
  const out = {} as TfTensors<K>;
  for (const name of Object.keys(inputs) as K[]) out[name] = toTf(inputs[name]);
  return out;
}

/** Calls user code; a throw becomes a one-line UserCodeError naming what was called. */
function callTf<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof UserCodeError) throw error;
    const msg = error instanceof Error ? error.message : String(error);
    throw new UserCodeError(`${what} threw: ${msg.split('\n')[0]}`);
  }
}

/** The derivative result of hand-written TF.js code as gradproof tensors. */
function derivativeFromTf(what: string, result: unknown, wrt: readonly string[]): DerivativeResult {
  if (isTfTensor(result)) return fromTf(what, result);
  if (typeof result !== 'object' || result === null) throw new UserCodeError(`${what} returned ${String(result)}, expected a tf.Tensor or a record of them by input name`);
  const out: Record<string, Tensor> = {};
  const rec = result as Record<string, unknown>;
  for (const name of wrt) {
    if (rec[name] === undefined) throw new UserCodeError(`${what} returned no entry for input "${name}"`);
    out[name] = fromTf(`${what} for "${name}"`, rec[name]);
  }
  return out;
}

function isArbitrary(value: unknown): value is fc.Arbitrary<NamedTensors> {
  return typeof value === 'object' && value !== null && typeof (value as { generate?: unknown }).generate === 'function' && typeof (value as { shrink?: unknown }).shrink === 'function';
}

/**
 * Turns a TF.js function of named tf.Tensors into a gradproof CheckSpec (float32): f is evaluated in TF.js, and the
 * derivative is TF.js autodiff (honouring `tf.customGrad`) or a hand-written `gradient` / `vjp` in TF.js ops.
 * Every tf.Tensor created during a check is disposed.
 */
export function tfjsSpec<K extends string>(options: TfjsSpecOptions<K>): CheckSpec {
  const name = typeof options?.name === 'string' ? options.name : '(unnamed)';
  const where = `gradproof/tfjs: spec "${name}"`;
  if (typeof options?.name !== 'string' || options.name === '') throw new Error(`gradproof/tfjs: a spec needs a name`);
  if (typeof options.f !== 'function') throw new Error(`${where}: f must be a function of named tf.Tensors`);
  if (options.gradient !== undefined && options.vjp !== undefined) throw new Error(`${where}: give gradient or vjp, not both`);
  for (const k of ['gradient', 'vjp'] as const) {
    if (options[k] !== undefined && typeof options[k] !== 'function') throw new Error(`${where}: ${k} must be a function`);
  }
  const form = options.autodiff ?? 'vjp';
  if (form !== 'vjp' && form !== 'gradient') throw new Error(`${where}: autodiff must be 'vjp' or 'gradient', got ${JSON.stringify(form)}`);
  if (options.autodiff !== undefined && (options.gradient || options.vjp)) throw new Error(`${where}: autodiff applies only without a hand-written gradient or vjp`);

  let inputs: fc.Arbitrary<Record<K, Tensor>>;
  let wrt: readonly K[] | undefined = options.wrt;
  if (isArbitrary(options.inputs)) {
    inputs = options.inputs as fc.Arbitrary<Record<K, Tensor>>;
  } else {
    const declarations = options.inputs as Record<K, TfjsInputDeclaration>;
    inputs = declaredInputs(name, options.dims ?? {}, declarations) as fc.Arbitrary<Record<K, Tensor>>;
    const names = Object.keys(declarations) as K[];
    const constants = constantInputs(declarations);
    for (const w of wrt ?? []) {
      if (!names.includes(w)) throw new Error(`${where}: wrt names "${w}", which is not an input (inputs: ${names.join(', ')})`);
      if (constants.includes(w)) throw new Error(`${where}: wrt names "${w}", a one-hot input held constant`);
    }
    wrt ??= names.filter((n) => !constants.includes(n));
    if (wrt.length === 0) throw new Error(`${where}: no input to differentiate (every input is one-hot)`);
  }
  const wrtOf = (x: Record<K, Tensor>): K[] => (wrt ? [...wrt] : (Object.keys(x) as K[]));

  const spec: CheckSpec<Record<K, Tensor>> = {
    name,
    inputs,
    f: (x) => tidied(() => fromTf('f', callTf('f', () => options.f(toTfRecord(x))))),
    precision: 'float32',
  };
  spec.noiseFloor = (x) => tidied(() => UNIT_ROUNDOFF * largestIntermediate(() => options.f(toTfRecord(x))));
  if (wrt) spec.wrt = wrt;
  if (options.tolerance) spec.tolerance = options.tolerance;

  if (options.gradient) {
    const gradient = options.gradient;
    spec.gradient = (x) => tidied(() => derivativeFromTf('gradient', callTf('gradient', () => gradient(toTfRecord(x))), wrtOf(x)));
  } else if (options.vjp) {
    const vjp = options.vjp;
    spec.vjp = (x, cotangent) => tidied(() => derivativeFromTf('vjp', callTf('vjp', () => vjp(toTfRecord(x), toTf(cotangent))), wrtOf(x)));
  } else if (form === 'gradient') {
    spec.gradient = (x) => tidied(() => autodiff(options.f, toTfRecord(x), wrtOf(x)));
  } else {
    spec.vjp = (x, cotangent) => tidied(() => autodiff(options.f, toTfRecord(x), wrtOf(x), toTf(cotangent)));
  }
  // The input names are the user's business: the spec goes out as a plain CheckSpec, usable wherever one is.
  return spec as unknown as CheckSpec;
}

/**
 * The derivative of f from TF.js autodiff: `tf.grads(f)(xs, dy)` with a cotangent, `tf.valueAndGrads(f)(xs)` for
 * the gradient of a scalar f. An input f does not depend on gets a zero gradient (TF.js itself would throw).
 */
function autodiff<K extends string>(f: (inputs: TfTensors<K>) => tf.Tensor, inputs: TfTensors<K>, wrt: readonly K[], dy?: tf.Tensor): Record<string, Tensor> {
  const xs = wrt.map((n) => inputs[n]);
  const g = (...args: tf.Tensor[]): tf.Tensor => {
    const rec = { ...inputs };
    wrt.forEach((n, i) => (rec[n] = args[i]));
    const y = f(rec);
    if (!isTfTensor(y) || y.dtype !== 'float32') fromTf('f', y); // throws the one-line error
    // y + 0·Σx keeps every input on the tape: an input f does not use gets an exact zero gradient.
    return args.reduce((acc, x) => tf.add(acc, tf.mul(tf.sum(x), 0)), y);
  };
  let grads: tf.Tensor[];
  try {
    if (dy === undefined) {
      grads = callTf('TF.js autodiff (tf.valueAndGrads)', () => tf.valueAndGrads(g)(xs)).grads;
    } else {
      grads = callTf('TF.js autodiff (tf.grads)', () => tf.grads(g)(xs, dy));
    }
  } catch (error) {
    releaseTape();
    throw error;
  }
  const out: Record<string, Tensor> = {};
  wrt.forEach((n, i) => (out[n] = fromTf(`TF.js gradient for "${n}"`, grads[i])));
  return out;
}

/**
 * Disposes what a failed tf.grads leaves on TF.js's gradient tape: when a backward pass throws, TF.js skips its own
 * clean-up, and the tensors its ops saved for the backward pass would outlive every tf.tidy.
 */
function releaseTape(): void {
  const state = tf.engine().state;
  if (state.gradientDepth !== 0 || !state.activeTape) return;
  for (const node of state.activeTape) for (const t of node.saved ?? []) t.dispose();
  state.activeTape = null as unknown as typeof state.activeTape;
}
