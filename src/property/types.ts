import type { Diagnosis, EntryComparison, HintKind, Status } from '../check/types.js';

/** A tensor as plain JSON. */
export interface JsonTensor {
  shape: number[];
  data: number[];
}

/** Both Jacobians of one input at the counterexample, as JSON (for heatmaps and merged reports). */
export interface JsonJacobianPair {
  input: string;
  inputShape: number[];
  outputShape: number[];
  analytic: JsonTensor;
  numeric: JsonTensor;
}

/** The smallest failing input fast-check found, and what went wrong there. */
export interface Counterexample {
  inputs: Record<string, JsonTensor>;
  wrt: string[];
  maxAbsError: number;
  maxRelError: number;
  entries: EntryComparison[];
  /** Shape of f's output at the counterexample (labels entries as out[i, j]). */
  outputShape?: number[];
  /** How many Jacobian entries exceed their tolerance (out of `totalEntries`). */
  wrongEntries?: number;
  /** How many Jacobian entries were compared. */
  totalEntries?: number;
  /** The full Jacobians, omitted when larger than the report's size budget. */
  jacobians?: JsonJacobianPair[];
}

/** What a report holds for one check: the outcome of a spec run over many random inputs. */
export interface CheckResult {
  name: string;
  status: Status;
  /** Path of the user's module the spec came from (`gradproof check`); absent for catalog checks. */
  source?: string;
  /** Inputs checked (including those skipped as nondifferentiable). */
  runs: number;
  /** Inputs skipped because they sat at a kink. */
  skipped: number;
  seed: number;
  /** fast-check path of the counterexample; with the seed it replays the failure. */
  path?: string;
  evaluations: number;
  durationMs: number;
  /** The largest relative error seen over the passing inputs. */
  maxRelError: number;
  /** The largest (worst) sensitivity over the passing inputs: the smallest relative error the check is sure to flag. */
  sensitivity?: number;
  /**
   * Fast mode: the probability, at each input, that the random probes missed a single-entry error as large as the
   * sensitivity (full mode's sensitivity is a certainty and leaves this out).
   */
  missProbability?: number;
  counterexample?: Counterexample;
  hints: HintKind[];
  /** Something the user should know about how the check was run (e.g. a switch to fast mode). */
  notice?: string;
  /** The hints with their evidence (factor, count, one line each). */
  diagnoses?: Diagnosis[];
  /** Number of shrinks fast-check performed to reach the counterexample. */
  shrinks?: number;
  message?: string;
  /** The stack of the user's exception behind an `error` (kept with RunOptions.debug, printed by --debug). */
  stack?: string;
}

/** How a property run goes. */
export interface RunOptions {
  /** Random inputs to check. @defaultValue 100 */
  runs?: number;
  /** fast-check seed; random when omitted. */
  seed?: number;
  /** fast-check path: with the seed, replays one counterexample directly. */
  path?: string;
  /** Largest Jacobian (entries) whose full matrices a report keeps. @defaultValue 40000 */
  maxReportedEntries?: number;
  /** Keep the stack of a user's exception behind an `error` in the result (CheckResult.stack). @defaultValue false */
  debug?: boolean;
}
