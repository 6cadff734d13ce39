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
  /** Relative tolerance, against max(|analytic|, |numeric|). @defaultValue 1e-7 (float64), 1e-4 (float32) */
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

/** Everything needed to check one derivative. */
export interface CheckSpec<I extends NamedTensors = NamedTensors> extends DerivativeForms<I> {
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

/** The result of checking one spec at one input. */
export interface Verdict {
  status: Status;
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
  /** Both Jacobians per differentiated input (kept for diagnosis and reports). */
  jacobians: JacobianPair[];
}

/** How one check is run. */
export interface CheckOptions {
  /** Overrides the spec's tolerance fields that are given. */
  tolerance?: Partial<Tolerance>;
  /** Overrides the spec's precision. */
  precision?: Precision;
  /** How many of the worst entries a verdict keeps. @defaultValue 10 */
  maxEntries?: number;
}
