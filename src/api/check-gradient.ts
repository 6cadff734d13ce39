import type { CheckSpec } from '../check/types.js';
import type { CheckResult } from '../property/index.js';
import { compileSpec } from '../spec/compile.js';
import type { UserSpec } from '../spec/types.js';
import { runCheck, type RunCheckOptions } from './run-checks.js';

/** Options of checkGradient: runs, seed and path for replay, tolerance and precision overrides, mode. */
export type CheckGradientOptions = RunCheckOptions;

/**
 * Checks a spec's derivative against finite differences on random inputs and resolves to the result
 * (status, counterexample, hints, seed and path). Rejects with a SpecError when the spec is invalid.
 */
export async function checkGradient(spec: UserSpec | CheckSpec, options: CheckGradientOptions = {}): Promise<CheckResult> {
  const compiled = compileSpec(spec as UserSpec);
  return runCheck(compiled, options);
}
