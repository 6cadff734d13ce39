import { expect } from 'vitest';
import type { CheckGradientOptions } from '../api/check-gradient.js';
import { gradientMatchers } from './matcher.js';

export { gradientMatchers, matcherMessage, toPassGradientCheck, type MatcherResult } from './matcher.js';

/** gradproof's matchers, typed for vitest's expect. */
export interface GradientMatchers<R = unknown> {
  /** Checks the spec's derivative against finite differences on random inputs; await it. */
  toPassGradientCheck(options?: CheckGradientOptions): Promise<R>;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Matchers<T = any> extends GradientMatchers<T> {}
}

expect.extend(gradientMatchers);
