import type { CheckOptions, CheckSpec } from '../check/types.js';
import { firstFrame } from '../check/user-call.js';
import { runProperty, type CheckResult, type RunOptions } from '../property/index.js';

/** How a check is run: 'full' compares every Jacobian entry; 'fast' compares directional probes. */
export type Mode = 'full' | 'fast';

/** Modes this build can run. */
export const AVAILABLE_MODES: readonly Mode[] = ['full', 'fast'];

/** Options for running checks: the property run, the comparison, and the mode. */
export interface RunCheckOptions extends RunOptions, CheckOptions {
  /** @defaultValue 'full' */
  mode?: Mode;
}

/** Where a check came from: enough for another thread to load the same spec itself. */
export type CheckOrigin =
  | { kind: 'module'; /** absolute path */ file: string; /** as given by the user */ display: string; exportPath: string }
  | { kind: 'catalog'; name: string }
  | { kind: 'inline' };

/** A compiled spec ready to run, with its origin. */
export interface PreparedCheck {
  spec: CheckSpec;
  origin: CheckOrigin;
}

/** Callbacks through which a run reports progress (the library itself never prints). */
export interface RunHooks {
  /** A check is about to start. */
  onCheckStart?: (check: PreparedCheck, index: number, total: number) => void;
  /** A check has finished. */
  onCheckDone?: (result: CheckResult, index: number, total: number) => void;
}

/** A random seed, as fast-check draws one, so that it can be reported and replayed. */
export function randomSeed(): number {
  return (Date.now() ^ (Math.random() * 0x100000000)) | 0;
}

/** Throws when a mode is not available in this build. */
export function assertModeAvailable(mode: Mode | undefined): void {
  if (mode !== undefined && !AVAILABLE_MODES.includes(mode)) {
    throw new RangeError(`gradproof: mode "${mode}" is not available in this build (available: ${AVAILABLE_MODES.join(', ')})`);
  }
}

/** Runs one spec as a property; anything thrown (say, by a user's arbitrary) becomes an `error` result. */
export function runCheck(spec: CheckSpec, options: RunCheckOptions = {}): CheckResult {
  assertModeAvailable(options.mode);
  const started = performance.now();
  const seed = options.seed ?? randomSeed();
  try {
    return runProperty(spec, { ...options, seed });
  } catch (error) {
    const msg = error instanceof Error ? error.message.split('\n')[0] : String(error);
    const frame = firstFrame(error);
    return {
      name: spec.name,
      status: 'error',
      runs: 0,
      skipped: 0,
      seed,
      evaluations: 0,
      durationMs: performance.now() - started,
      maxRelError: 0,
      hints: [],
      message: `the check threw: ${msg}${frame ? ` (at ${frame})` : ''}`,
    };
  }
}

/** Runs checks one after another, reporting progress through the hooks; yields to the event loop between checks. */
export async function runChecks(checks: readonly PreparedCheck[], options: RunCheckOptions = {}, hooks: RunHooks = {}): Promise<CheckResult[]> {
  assertModeAvailable(options.mode);
  const results: CheckResult[] = [];
  for (let i = 0; i < checks.length; i++) {
    hooks.onCheckStart?.(checks[i], i, checks.length);
    await new Promise((r) => setImmediate(r));
    const result = runCheck(checks[i].spec, options);
    // The module a check came from: reports name it, and their replay command checks it again.
    const origin = checks[i].origin;
    if (origin.kind === 'module') result.source = origin.display;
    results.push(result);
    hooks.onCheckDone?.(result, i, checks.length);
  }
  return results;
}
