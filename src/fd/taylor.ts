/**
 * The Taylor test: along a direction d, the remainder r(h) = |f(x + h·d) − f(x) − h·(J d)| shrinks like h² when J is
 * the derivative of f and only like h when it is not. It needs no step size and no tolerance: the slope of log r
 * against log h, read where r stands clear of the noise, is the verdict.
 */

/** One rung of the ladder: the step and the remainder of each candidate derivative. */
export interface TaylorRung {
  h: number;
  /** ‖r(h)‖₂ per candidate. */
  remainder: number[];
  /** The noise floor of the remainders at this step. */
  floor: number;
}

/** The slope fitted to one candidate's remainders. */
export interface TaylorFit {
  /** Least-squares slope of log r against log h (about 2 for a correct derivative, 1 for a wrong one); NaN when no rung stood clear of the noise. */
  slope: number;
  /** Rungs used in the fit. */
  points: number;
  /** Largest and smallest step of the fit (NaN when none). */
  hMax: number;
  hMin: number;
}

/** What a Taylor test found for each candidate derivative. */
export interface TaylorResult {
  fits: TaylorFit[];
  rungs: TaylorRung[];
  evaluations: number;
}

/** How the Taylor ladder is laid out. */
export interface TaylorOptions {
  /** The largest step (in units of the direction). @defaultValue 2^-3 */
  largest?: number;
  /** The most rungs (each halves h and costs one evaluation). @defaultValue 30 */
  rungs?: number;
  /** A remainder counts when it exceeds this many times its noise floor. @defaultValue 16 */
  clearance?: number;
  /** Rungs fitted, counted from the smallest clear step upward. @defaultValue 4 */
  fitPoints?: number;
}

/**
 * Runs the Taylor test along one line. `move(h)` puts the inputs at x + h·d (as the format stores them) and returns
 * the true displacement scale; `restore()` puts them back; each candidate maps the actual step to its predicted
 * linear change J·(actual displacement). The ladder stops once the remainders have sunk into the noise.
 */
export function taylorTest(
  line: { move: (h: number) => number; restore: () => void },
  evaluate: () => Float64Array,
  f0: Float64Array,
  candidates: readonly ((step: number) => Float64Array)[],
  noise: ArrayLike<number>,
  options: TaylorOptions = {},
): TaylorResult {
  const largest = options.largest ?? 2 ** -3;
  const maxRungs = options.rungs ?? 30;
  const clearance = options.clearance ?? 16;
  let noiseNorm = 0;
  for (let i = 0; i < noise.length; i++) noiseNorm += noise[i] * noise[i];
  // r(h) holds the noise of f(x + h·d) and of f(x): about √2·‖σ‖.
  const floor = Math.SQRT2 * Math.sqrt(noiseNorm);
  const rungs: TaylorRung[] = [];
  let evaluations = 0;
  let sunk = 0;
  try {
    for (let k = 0; k < maxRungs; k++) {
      const h = largest * 2 ** -k;
      const step = line.move(h);
      // Below the format's resolution x + h·d is x itself: nothing more to learn.
      if (step === 0) break;
      let fh: Float64Array;
      evaluations++;
      try {
        fh = evaluate();
      } catch {
        // A large step can leave f's domain (a log, a square root): that rung is skipped, not the test.
        continue;
      }
      const remainder = candidates.map((c) => {
        const lin = c(step);
        let s = 0;
        for (let i = 0; i < fh.length; i++) {
          const r = fh[i] - f0[i] - lin[i];
          s += r * r;
        }
        return Math.sqrt(s);
      });
      rungs.push({ h: step, remainder, floor });
      // Stop after three rungs in a row where every candidate is buried in the noise.
      if (remainder.every((r) => !(r > clearance * floor))) {
        if (++sunk >= 3) break;
      } else sunk = 0;
    }
  } finally {
    line.restore();
  }
  // The noise the remainders really carry: where the ladder ends, every candidate's remainder is noise (the linear
  // terms have vanished), whatever σ said. Cancellation and quantisation in f can put it far above σ.
  const tail = rungs.slice(-3).flatMap((r) => r.remainder);
  tail.sort((a, b) => a - b);
  const seen = tail.length >= 3 ? tail[Math.floor(tail.length / 2)] : 0;
  for (const r of rungs) r.floor = Math.max(r.floor, seen);
  const fits = candidates.map((_, c) => fitSlope(rungs.map((r) => r.h), rungs.map((r) => r.remainder[c]), rungs.map((r) => r.floor), clearance, options.fitPoints ?? 4));
  return { fits, rungs, evaluations };
}

/**
 * The slope of log r against log h over the smallest steps whose remainders stand clear of the noise: the last
 * `points` consecutive clear rungs (fewer when fewer exist).
 */
export function fitSlope(hs: readonly number[], rs: readonly number[], floors: readonly number[], clearance = 16, points = 4): TaylorFit {
  let end = -1;
  for (let k = hs.length - 1; k >= 0; k--) {
    if (rs[k] > clearance * floors[k] && rs[k] > 0 && hs[k] > 0) {
      end = k;
      break;
    }
  }
  if (end < 0) return { slope: NaN, points: 0, hMax: NaN, hMin: NaN };
  let start = end;
  while (start > 0 && end - start + 1 < points && rs[start - 1] > clearance * floors[start - 1] && rs[start - 1] > 0) start--;
  const n = end - start + 1;
  if (n < 2) return { slope: NaN, points: n, hMax: hs[end], hMin: hs[end] };
  let sx = 0;
  let sy = 0;
  for (let k = start; k <= end; k++) {
    sx += Math.log(hs[k]);
    sy += Math.log(rs[k]);
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (let k = start; k <= end; k++) {
    const dx = Math.log(hs[k]) - mx;
    sxx += dx * dx;
    sxy += dx * (Math.log(rs[k]) - my);
  }
  return { slope: sxy / sxx, points: n, hMax: hs[start], hMin: hs[end] };
}

/**
 * Reads a fitted slope: 'first-order' (slope ≤ 1.3 over at least 3 steps: J is not the derivative), 'second-order'
 * (slope ≥ 1.7 over at least 2 steps), 'buried' (at most one step stood clear of the noise: J predicts f's change
 * to within the noise), else 'inconclusive'.
 */
export function taylorOrder(fit: TaylorFit): 'first-order' | 'second-order' | 'buried' | 'inconclusive' {
  if (fit.points <= 1) return 'buried';
  if (fit.points >= 3 && fit.slope <= 1.3) return 'first-order';
  if (fit.slope >= 1.7) return 'second-order';
  return 'inconclusive';
}

/**
 * Judges a failure from a Taylor test run with two candidates, the analytic derivative (index 0) and the
 * finite-difference one (index 1): `confirmed` when the analytic remainder is first order and the finite-difference
 * one is not (the analytic derivative is wrong); `refuted` when the finite-difference remainder is first order while
 * the analytic one is second order, or stays in the noise over the steps where the finite-difference one was fitted
 * (the finite differences were wrong); else `inconclusive`.
 */
export function taylorOutcome(result: TaylorResult, clearance = 16): 'confirmed' | 'refuted' | 'inconclusive' {
  const [analytic, numeric] = result.fits;
  const a = taylorOrder(analytic);
  const n = taylorOrder(numeric);
  // Both first order: f has no consistent linear part at the steps probed (a staircase, say) and the test cannot tell.
  if (a === 'first-order' && n !== 'first-order') return 'confirmed';
  if (n !== 'first-order') return 'inconclusive';
  if (a === 'second-order' || a === 'buried') return 'refuted';
  const inRange = result.rungs.filter((r) => r.h >= numeric.hMin && r.h <= numeric.hMax);
  if (inRange.length > 0 && inRange.every((r) => !(r.remainder[0] > clearance * r.floor))) return 'refuted';
  return 'inconclusive';
}
