import { fdJacobian, refineColumn } from '../fd/index.js';
import { analyticOracle } from './analytic.js';
import { derivativeSync, type CheckContext } from './context.js';
import { ERROR_ESTIMATE_FACTOR, WorstEntries, baseStepFor, entryTolerance, fdOptionsFor, overflowError, refinementWins } from './full-mode.js';
import { taylorColumn } from './taylor-confirm.js';
import type { CheckOptions, TaylorSummary, Tolerance, Verdict } from './types.js';

/** Entries of one block of columns that a streamed check holds at a time (about 8 MiB per array). */
export const STREAM_BLOCK_ENTRIES = 2 ** 20;

/** A failing column kept for the Taylor test: its analytic and numeric values and how far it goes past its tolerance. */
interface FailingColumn {
  b: number;
  j: number;
  worst: number;
  failing: number;
  analytic: Float64Array;
  numeric: Float64Array;
}

/** One block of columns of a streamed check, column-major: entry (i, j) at j·rows + i. */
interface Block {
  name: string;
  /** The input entry of the block's first column. */
  start: number;
  cols: number;
  rows: number;
  reference: Float64Array;
  value: Float64Array;
  trunc: Float64Array;
  /** Per column: how σ enters an entry's error, unless `perEntry` holds the entry's own factor. */
  coef: Float64Array;
  noise: Float64Array;
  perEntry: Map<number, number>;
  kink: Set<number>;
  /** Per column: 1 when decided on two points. */
  twoPoint: Uint8Array;
  /** What a two-point entry's disagreement counts for in its error (FdJacobian). */
  twoPointFactor: number;
}

/** The running figures of a streamed check. */
interface BlockStats {
  maxAbsError: number;
  maxRelError: number;
  maxTolerance: number;
  maxNumeric: number;
}

/**
 * Compares every entry of a block with its tolerance, updating the running figures and offering each entry to
 * `worst`; returns, per column, the failing count and how far the worst entry goes past its tolerance. (A small
 * function of its own: it visits every entry, and the JIT optimizes it best apart from the rest.)
 */
function compareBlock(block: Block, tol: Tolerance, worst: WorstEntries, stats: BlockStats): { columnWorst: Float64Array; columnFailing: Int32Array } {
  const { name, start, cols, rows, reference, value, trunc, coef, noise, perEntry, kink, twoPoint, twoPointFactor } = block;
  const { atol, rtol } = tol;
  const columnWorst = new Float64Array(cols);
  const columnFailing = new Int32Array(cols);
  let { maxAbsError, maxRelError, maxTolerance, maxNumeric } = stats;
  const special = perEntry.size > 0 || kink.size > 0;
  for (let j = 0; j < cols; j++) {
    for (let i = 0, k = j * rows; i < rows; i++, k++) {
      if (special && kink.has(k)) continue;
      const an = reference[k];
      const nu = value[k];
      const absError = Math.abs(an - nu);
      // A two-point entry's truncation part is its disagreement with the analytic value (see fdJacobian).
      const err = (twoPoint[j] ? twoPointFactor * absError : trunc[k]) + ((special ? perEntry.get(k) : undefined) ?? coef[j]) * noise[i];
      const scale = Math.max(Math.abs(an), Math.abs(nu));
      const t = atol + rtol * scale + ERROR_ESTIMATE_FACTOR * err;
      if (absError > maxAbsError) maxAbsError = absError;
      const over = !(absError <= t);
      if ((Math.abs(nu) > 2 * t || over) && scale > 0 && absError > maxRelError * scale) maxRelError = absError / scale;
      if (t > maxTolerance) maxTolerance = t;
      if (Math.abs(nu) > maxNumeric) maxNumeric = Math.abs(nu);
      const ratio = t > 0 ? absError / t : absError > 0 ? Infinity : 0;
      if (over) {
        columnFailing[j]++;
        if (ratio > columnWorst[j]) columnWorst[j] = ratio;
      }
      const key = (over ? 1e300 : 0) + Math.min(ratio, 1e299);
      if (worst.wants(key)) {
        worst.add({ input: name, outIndex: i, inIndex: start + j, analytic: an, numeric: nu, absError, relError: scale > 0 ? absError / scale : 0, errorEstimate: err, tolerance: t }, key);
      }
    }
  }
  Object.assign(stats, { maxAbsError, maxRelError, maxTolerance, maxNumeric });
  return { columnWorst, columnFailing };
}

/**
 * Full mode for a Jacobian too large to hold: the columns are taken in blocks of at most `blockEntries` entries,
 * each block compared as full mode compares a whole Jacobian (two points first, five points and the ladder where
 * needed) and then dropped; only the worst entries, the figures of the verdict and the three worst failing columns
 * (for the Taylor test) are kept, so memory stays O(m · block + n + k). The analytic side is read column by column
 * (a jvp call per column for the jvp form). No Jacobian goes into the verdict, so reports show no heatmap and no hint.
 */
export function streamingCheck(ctx: CheckContext, options: CheckOptions = {}, blockEntries = STREAM_BLOCK_ENTRIES): Verdict {
  const { tol, precision, wrt, outSize } = ctx;
  const f0 = ctx.f0.data;
  const oracle = analyticOracle(ctx.spec, ctx.working, wrt, ctx.f0.shape, ctx.labels.derivative);
  const column = oracle.column;
  if (!column) throw new RangeError('gradproof: a streamed check needs the analytic Jacobian column by column (jacobian, gradient or jvp form)');
  const syncCalls = derivativeSync(ctx, () => oracle.calls);
  syncCalls();
  const baseStep = baseStepFor(ctx);
  const round = precision.name === 'float32' ? precision.round : undefined;
  const worst = new WorstEntries(options.maxEntries ?? 10);
  const failingColumns: FailingColumn[] = [];
  const stats: BlockStats = { maxAbsError: 0, maxRelError: 0, maxTolerance: 0, maxNumeric: 0 };
  let failing = 0;
  let kinks = 0;
  const width = Math.max(1, Math.floor(blockEntries / Math.max(outSize, 1)));

  ctx.buffers.forEach((buffer, b) => {
    const name = wrt[b];
    for (let start = 0; start < buffer.length; start += width) {
      const end = Math.min(start + width, buffer.length);
      const cols = end - start;
      // The block is held column-major ([cols, rows]), as the analytic side comes: entry (i, j) at j·m + i.
      const reference = new Float64Array(outSize * cols);
      for (let c = 0; c < cols; c++) reference.set(column(b, start + c), c * outSize);
      syncCalls();
      const fd = fdJacobian((j, into) => ctx.evaluateGuarded(b, j, into), buffer, f0, { ...fdOptionsFor(ctx, baseStep, reference), columns: { start, end }, columnMajor: true });
      ctx.checkMutation(`${ctx.labels.f} (during finite differences)`);
      const { value, truncation: trunc, noiseFactor } = fd;
      const coef = new Float64Array(noiseFactor);
      const perEntry = new Map<number, number>();
      const kink = new Set<number>();
      // A block with columns not decided on two points holds them against the measured noise of f (ECnoise and a
      // fit at random offsets), as full mode does before it refines or reports anything.
      let noise = fd.noise;
      if (fd.openColumns.length > 0) {
        const sigma = ctx.noise(2);
        noise = noise.map((v, i) => Math.max(v, sigma[i]));
      }
      // (The maps of re-estimated entries and kinks are nearly always empty: looked up only when they are not.)
      const errorAt = (k: number, j: number, i: number): number => trunc[k] + ((perEntry.size > 0 ? perEntry.get(k) : undefined) ?? coef[j]) * noise[i];
      const isKink = (k: number): boolean => kink.size > 0 && kink.has(k);
      const failsAt = (k: number, j: number, i: number): boolean =>
        !isKink(k) && !(Math.abs(reference[k] - value[k]) <= entryTolerance(tol, reference[k], value[k], errorAt(k, j, i)));
      for (const j of fd.openColumns) {
        for (let i = 0; i < outSize; i++) {
          if (!Number.isFinite(value[j * outSize + i])) throw overflowError(ctx, i, `${name}[${start + j}]`);
        }
        const rows: number[] = [];
        for (let i = 0; i < outSize; i++) if (failsAt(j * outSize + i, j, i) || fd.kinkSuspect[j * outSize + i]) rows.push(i);
        if (rows.length === 0) continue;
        const r = refineColumn((c) => ctx.evaluateGuarded(b, c), buffer, f0, start + j, fd.steps[j], rows, noise, {
          epsilon: precision.epsilon,
          round,
          kinkNoise: ctx.acceptedNoise(),
        });
        ctx.checkMutation(`${ctx.labels.f} (during finite differences)`);
        for (const e of r.entries) {
          const k = j * outSize + e.row;
          if (e.kink) {
            kink.add(k);
            kinks++;
            continue;
          }
          const current = errorAt(k, j, e.row);
          if (refinementWins(e, value[k], current)) {
            value[k] = e.value;
            trunc[k] = e.truncation;
            perEntry.set(k, e.noiseFactor);
          }
        }
      }
      // Compare every entry of the block, then let it go.
      const block: Block = { name, start, cols, rows: outSize, reference, value, trunc, coef, noise, perEntry, kink, twoPoint: fd.twoPoint, twoPointFactor: fd.twoPointFactor };
      const { columnWorst, columnFailing } = compareBlock(block, tol, worst, stats);
      for (let j = 0; j < cols; j++) {
        if (columnFailing[j] === 0) continue;
        failing += columnFailing[j];
        failingColumns.push({
          b,
          j: start + j,
          worst: columnWorst[j],
          failing: columnFailing[j],
          analytic: reference.slice(j * outSize, (j + 1) * outSize),
          numeric: value.slice(j * outSize, (j + 1) * outSize),
        });
        failingColumns.sort((p, q) => q.worst - p.worst);
        failingColumns.length = Math.min(failingColumns.length, 3);
      }
    }
  });

  // The Taylor test confirms the worst failing columns; a refuted one is a finite-difference artefact.
  let taylor: TaylorSummary | undefined;
  let refuted = 0;
  for (const c of failingColumns) {
    const t = taylorColumn(ctx, c.b, c.j, c.analytic, c.numeric, ctx.acceptedNoise());
    if (t.outcome === 'refuted') {
      failing -= c.failing;
      refuted++;
      // Its entries were ranked as failing; they are finite-difference artefacts.
      worst.demote((e) => e.input === wrt[c.b] && e.inIndex === c.j);
    }
    if (!taylor || (taylor.outcome === 'refuted' && t.outcome !== 'refuted')) taylor = t;
  }
  const status = failing > 0 ? 'fail' : kinks > 0 ? 'nondifferentiable' : 'pass';
  const verdict: Verdict = {
    status,
    hints: [],
    diagnoses: [],
    entries: worst.entries(),
    maxAbsError: stats.maxAbsError,
    maxRelError: stats.maxRelError,
    evaluations: ctx.evaluations,
    derivativeCalls: ctx.derivativeCalls,
    kinks,
    jacobians: [],
  };
  if (taylor) verdict.taylor = taylor;
  if (status === 'pass' && stats.maxNumeric > 0 && refuted === 0) verdict.sensitivity = stats.maxTolerance / stats.maxNumeric;
  if (status === 'pass' && refuted > 0 && taylor) {
    verdict.message = `finite differences disagreed in ${taylor.input}[${taylor.inIndex}], but the Taylor test clears the analytic derivative (remainder slope ${taylor.slope.toFixed(2)}, finite differences ${taylor.numericSlope.toFixed(2)})`;
  }
  if (status === 'nondifferentiable') verdict.message = `${kinks} Jacobian ${kinks === 1 ? 'entry sits' : 'entries sit'} at a kink: the one-sided differences disagree`;
  return verdict;
}
