import { checkGradient, type CheckGradientOptions } from '../api/check-gradient.js';
import type { CheckSpec } from '../check/types.js';
import type { CheckResult } from '../property/index.js';
import { formatFailure } from '../report/index.js';
import type { UserSpec } from '../spec/types.js';

/** What a matcher returns to vitest's expect.extend. */
export interface MatcherResult {
  pass: boolean;
  message: () => string;
  actual?: unknown;
  expected?: unknown;
}

/** The failure message of a result: what the console report says of it, replayed through this matcher. */
export function matcherMessage(result: CheckResult, negated: boolean): string {
  if (negated) {
    return `expected spec "${result.name}" not to pass the gradient check, but it passed ${result.runs} runs (seed ${result.seed})`;
  }
  const replay = `toPassGradientCheck({ seed: ${result.seed}${result.path !== undefined ? `, path: ${JSON.stringify(result.path)}` : ''} })`;
  const details = formatFailure(result)
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('replay:'));
  return [`expected spec "${result.name}" to pass the gradient check, but its status is ${result.status}`, ...details, `  replay: ${replay}`].join('\n');
}

/**
 * `expect(spec).toPassGradientCheck(options?)`: checks the spec's derivative on random inputs; passes when the
 * status is `pass`. An invalid spec throws (it neither passes nor fails).
 */
export async function toPassGradientCheck(
  this: { isNot?: boolean } | void,
  received: UserSpec | CheckSpec,
  options: CheckGradientOptions = {},
): Promise<MatcherResult> {
  const result = await checkGradient(received, options);
  const negated = !!(this && this.isNot);
  return {
    pass: result.status === 'pass',
    message: () => matcherMessage(result, negated),
    actual: result.status,
    expected: 'pass',
  };
}

/** The matchers gradproof adds to vitest's expect (register with expect.extend(gradientMatchers)). */
export const gradientMatchers = { toPassGradientCheck };
