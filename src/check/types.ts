import type { Arbitrary } from 'fast-check';
import type { Tensor, TensorLike } from '../tensor/index.js';

/** Named input tensors, e.g. { W, x, b1 }. */
export type NamedTensors = Record<string, Tensor>;

/** What a derivative may return: a record by input name, or a bare tensor when one input is differentiated. */
export type DerivativeResult = Record<string, TensorLike> | TensorLike;

/** Tangents handed to a jvp: a record by input name that, when one input is differentiated, is also that tensor. */
export type Tangents = NamedTensors & Partial<Tensor>;

/** Absolute and relative tolerance of the comparison (added to each entry's own error estimate). */
export interface Tolerance {
  /** Absolute tolerance. @defaultValue 0 */
  atol: number;
  /** Relative tolerance, against max(|analytic|, |numeric|). @defaultValue 1e-7 (float64), 1e-5 (float32) */
  rtol: number;
}

/** The precision f computes in; it sets steps, noise floors and default tolerances. */
export type Precision = 'float64' | 'float32';

/** The four derivative forms a spec can give; exactly one is present. */
export interface DerivativeForms<I extends NamedTensors = NamedTensors> {
  /** Numerator layout: for each input, a [outSize, inSize] tensor. */
  jacobian?: (inputs: I) => DerivativeResult;
  /** Scalar f only: for each input, a tensor shaped like that input. */
  gradient?: (inputs: I) => DerivativeResult;
  /** Backward pass: the cotangent (shaped like f's output) in, one tensor per input out. */
  vjp?: (inputs: I, cotangent: Tensor) => DerivativeResult;
  /** Forward-mode rule: tangents by input name in, a tensor shaped like f's output out. */
  jvp?: (inputs: I, tangents: Tangents) => TensorLike;
}

/** Second derivatives of a scalar f, checked against finite differences of the spec's own (analytic) gradient. */
export interface SecondOrderForms<I extends NamedTensors = NamedTensors> {
  /**
   * Scalar f only: the Hessian over the differentiated inputs, flattened and concatenated in `wrt` order, as an
   * [N, N] tensor (for one input also [...shape, ...shape]).
   */
  hessian?: (inputs: I) => TensorLike;
  /** Scalar f only: the Hessian-vector product, tangents by input name in, one tensor per input (shaped like it) out. */
  hvp?: (inputs: I, tangents: Tangents) => DerivativeResult;
}

/** Everything needed to check one derivative. */
export interface CheckSpec<I extends NamedTensors = NamedTensors> extends DerivativeForms<I>, SecondOrderForms<I> {
  /** Name, e.g. 'example-5/backprop-vjp'. */
  name: string;
  /** A fast-check arbitrary of named input tensors. */
  inputs: Arbitrary<I>;
  /** Inputs that are differentiated. @defaultValue every input */
  wrt?: readonly string[];
  /** The function; a scalar output is shape []. */
  f: (inputs: I) => TensorLike;
  /** Tolerances; missing fields take the precision's defaults. */
  tolerance?: Partial<Tolerance>;
  /** @defaultValue 'float64' */
  precision?: Precision;
  /**
   * The absolute noise (one standard deviation) of f's computed values at these inputs, where the spec knows more
   * than f's outputs show: a value computed by cancellation carries the rounding of its largest intermediates (the
   * TF.js adapter reads it off them). Finite differences never assume less noise than this. @defaultValue none
   */
  noiseFloor?: (inputs: I) => number;
}

/** The name of the derivative form a spec uses. */
export type DerivativeKind = 'jacobian' | 'gradient' | 'vjp' | 'jvp';

/** The names of diagnosis hints (a public contract, used in the JSON report's `hints`). */
export type HintKind = 'transposed' | 'sign-flipped' | 'scaled' | 'mask' | 'wrong-entries' | 'shape-mismatch';

/** A diagnosis hint with the evidence behind it. */
export interface Diagnosis {
  hint: HintKind;
  /** One line for a person, e.g. "analytic = 2 × numeric". */
  detail: string;
  /** For `scaled`: analytic ≈ factor × numeric. */
  factor?: number;
  /** For `wrong-entries` and `mask`: how many entries are wrong. */
  count?: number;
}

/** Outcome of one check. */
export type Status = 'pass' | 'fail' | 'nondifferentiable' | 'error';

/** One compared Jacobian entry. */
export interface EntryComparison {
  /** Name of the differentiated input. */
  input: string;
  /** Flat (row-major) index into f's output. */
  outIndex: number;
  /** Flat (row-major) index into the input. */
  inIndex: number;
  analytic: number;
  numeric: number;
  absError: number;
  /** |analytic − numeric| / max(|analytic|, |numeric|), 0 when both are 0. */
  relError: number;
  /** The finite difference's own estimated error. */
  errorEstimate: number;
  /** The threshold the absolute error was held to. */
  tolerance: number;
  /** 2 for an entry of the Hessian (a second-order check); absent for first order. */
  order?: 2;
}

/** Analytic and finite-difference Jacobians of one input, both [outSize, inSize]. */
export interface JacobianPair {
  input: string;
  inputShape: number[];
  outputShape: number[];
  analytic: Tensor;
  numeric: Tensor;
  /** Per-entry error estimate of the numeric Jacobian. */
  errorEstimate: Tensor;
  /** Per-entry tolerance (NaN where the entry sits at a kink). */
  tolerance: Tensor;
}

/** What the Taylor test said about one Jacobian column (see src/fd/taylor.ts). */
export interface TaylorSummary {
  /** The differentiated input and the entry of it the test moved. */
  input: string;
  inIndex: number;
  /** Fitted log–log slope of the analytic remainder: about 2 when the analytic column is right, 1 when wrong (NaN: buried in noise). */
  slope: number;
  /** The same slope for the finite-difference column. */
  numericSlope: number;
  /** Steps in the fit. */
  points: number;
  /** confirmed: the analytic column is wrong; refuted: the finite differences were; inconclusive: the test cannot tell. */
  outcome: 'confirmed' | 'refuted' | 'inconclusive';
  /** Function evaluations the test spent. */
  evaluations: number;
}

/** What fast (directional) mode did at one input. */
export interface FastModeSummary {
  /** Random probes compared (each one directional derivative J·v, and uᵀJ·v for a vjp). */
  probes: number;
  /**
   * The probability, over the random probes, that probes like these miss a single-entry error as large as the
   * reported sensitivity (on a pass).
   */
  missProbability?: number;
  /** Evaluations spent localizing a failing probe (bisection over input blocks, then the columns it led to). */
  localizationEvaluations: number;
}

/** The result of checking one spec at one input. */
export interface Verdict {
  status: Status;
  /** Something the user should know about how the check was run (e.g. a switch to fast mode). */
  notice?: string;
  /** The stack of the user's exception behind an `error` verdict, when it threw one. */
  stack?: string;
  /** One line for an error or a shape mismatch. */
  message?: string;
  /** Diagnosis hints for a failure (see src/diagnose). */
  hints: HintKind[];
  /** The same hints with their evidence. */
  diagnoses: Diagnosis[];
  /** The worst entries, by how far they exceed their tolerance, worst first. */
  entries: EntryComparison[];
  maxAbsError: number;
  maxRelError: number;
  /**
   * Relative sensitivity: an error in any single entry larger than this times the largest |entry| of the
   * finite-difference Jacobian is sure to be flagged (the largest entry tolerance over the largest entry).
   */
  sensitivity?: number;
  /** Function evaluations spent (f only; derivative calls are counted apart). */
  evaluations: number;
  derivativeCalls: number;
  /** Entries found to sit at a kink. */
  kinks: number;
  /** Both Jacobians per differentiated input (kept for diagnosis and reports; in fast mode only the columns it examined). */
  jacobians: JacobianPair[];
  /** The Taylor test's reading, when it was asked to confirm a failure (noisy or float32 functions). */
  taylor?: TaylorSummary;
  /** Fast mode's probes and their miss probability. */
  fast?: FastModeSummary;
  /** The second-order check (hessian or hvp against finite differences of the gradient), when the spec asks for one. */
  secondOrder?: Verdict;
}

/** How one check is run. */
export interface CheckOptions {
  /** Overrides the spec's tolerance fields that are given. */
  tolerance?: Partial<Tolerance>;
  /** Overrides the spec's precision. */
  precision?: Precision;
  /** How many of the worst entries a verdict keeps. @defaultValue 10 */
  maxEntries?: number;
  /**
   * full: every Jacobian entry against central differences (2 evaluations per input entry where they plainly
   * agree, 4 with Richardson extrapolation where they do not); fast: a few
   * random directional derivatives (about 4 evaluations per probe, whatever the input size), bisecting to the wrong
   * entries when a probe fails. @defaultValue 'full'
   */
  mode?: 'full' | 'fast';
  /**
   * Largest full Jacobian (output size × differentiated input entries) full mode builds; a larger one is streamed
   * in blocks of columns (jacobian, gradient, jvp forms; a vjp spec is checked in fast mode instead), with a notice
   * on the verdict. @defaultValue 1e7
   */
  maxJacobianEntries?: number;
  /** Fast mode: number of random probes. @defaultValue DEFAULT_PROBES (4) */
  probes?: number;
  /** Fast mode: the miss probability at which the reported sensitivity is stated. @defaultValue DEFAULT_MISS_PROBABILITY (1e-3) */
  missProbability?: number;
}

/** Fast mode's random probes per input when CheckOptions.probes (or --probes) is not given. */
export const DEFAULT_PROBES = 4;

/** Largest full Jacobian (entries) a full check builds whole; a larger one is streamed (a vjp: fast mode). */
export const DEFAULT_MAX_JACOBIAN_ENTRIES = 1e7;

/** The miss probability fast mode states its sensitivity at when none is given. */
export const DEFAULT_MISS_PROBABILITY = 1e-3;
