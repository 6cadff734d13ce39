import { taylorOutcome, taylorTest } from '../fd/taylor.js';
import type { CheckContext } from './context.js';
import type { TaylorSummary } from './types.js';

/**
 * Runs the Taylor test along input coordinate j of differentiated input b, for the analytic and the numeric column
 * at once (the same evaluations serve both), and reads the outcome: `confirmed` when the analytic remainder shrinks
 * only like h (the analytic column is wrong), `refuted` when it shrinks like h² while the numeric one shrinks like h
 * (the finite differences were wrong), else `inconclusive`.
 */
export function taylorColumn(
  ctx: CheckContext,
  b: number,
  j: number,
  analytic: Float64Array,
  numeric: Float64Array,
  noise: ArrayLike<number>,
  rows?: readonly number[],
): TaylorSummary {
  const buf = ctx.buffers[b];
  const xj = buf[j];
  const scale = Math.max(Math.abs(xj), 1);
  const round = ctx.precision.round;
  const line = {
    move: (h: number): number => {
      buf[j] = round(xj + h * scale);
      return buf[j] - xj;
    },
    restore: (): void => {
      buf[j] = xj;
    },
  };
  // Only the given output rows take part (those whose analytic entries are known), or all of them.
  const pick = (v: ArrayLike<number>): Float64Array => (rows ? Float64Array.from(rows, (i) => v[i]) : Float64Array.from(v));
  const times = (col: Float64Array) => {
    const c = pick(col);
    return (step: number) => c.map((v) => v * step);
  };
  const result = taylorTest(line, () => pick(ctx.evaluateGuarded(b, j)), pick(ctx.f0.data), [times(analytic), times(numeric)], pick(noise));
  ctx.checkMutation(`${ctx.labels.f} (during the Taylor test)`);
  const [fa, fn] = result.fits;
  const outcome = taylorOutcome(result);
  return {
    input: ctx.wrt[b],
    inIndex: j,
    slope: fa.slope,
    numericSlope: fn.slope,
    points: fa.points,
    outcome,
    evaluations: result.evaluations,
  };
}
