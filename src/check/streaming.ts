import { fdJacobian, refineColumn } from '../fd/index.js';
import { analyticOracle } from './analytic.js';
import { derivativeSync, type CheckContext } from './context.js';
import { WorstEntries, compareGrid, emptyStats, entryError, entryFails, markKink, setEntryNoiseFactor, type ColumnFailures, type EntryGrid } from './compare.js';
import { baseStepFor, fdOptionsFor, overflowError, refinementWins } from './full-mode.js';
import { taylorColumn } from './taylor-confirm.js';
import type { CheckOptions, TaylorSummary, Verdict } from './types.js';

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
  const stats = emptyStats();
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
      // The block as a column-major grid (entry (i, j) at j·m + i).
      const grid: EntryGrid = {
        name,
        rows: outSize,
        cols,
        rowStride: 1,
        colStride: outSize,
        start,
        analytic: reference,
        value: fd.value,
        trunc: fd.truncation,
        noise: fd.noise,
        noiseFactor: fd.noiseFactor,
        twoPoint: fd.twoPoint,
        twoPointFactor: fd.twoPointFactor,
      };
      const { value } = grid;
      // A block with columns not decided on two points holds them against the measured noise of f (ECnoise and a
      // fit at random offsets), as full mode does before it refines or reports anything.
      if (fd.openColumns.length > 0) {
        const sigma = ctx.noise(2);
        grid.noise = grid.noise.map((v, i) => Math.max(v, sigma[i]));
      }
      for (const j of fd.openColumns) {
        for (let i = 0; i < outSize; i++) {
          if (!Number.isFinite(value[j * outSize + i])) throw overflowError(ctx, i, `${name}[${start + j}]`);
        }
        const rows: number[] = [];
        for (let i = 0; i < outSize; i++) if (entryFails(grid, tol, i, j) || fd.kinkSuspect[j * outSize + i]) rows.push(i);
        if (rows.length === 0) continue;
        const r = refineColumn((c) => ctx.evaluateGuarded(b, c), buffer, f0, start + j, fd.steps[j], rows, grid.noise, {
          epsilon: precision.epsilon,
          round,
          kinkNoise: ctx.acceptedNoise(),
        });
        ctx.checkMutation(`${ctx.labels.f} (during finite differences)`);
        for (const e of r.entries) {
          const k = j * outSize + e.row;
          if (e.kink) {
            markKink(grid, e.row, j);
            kinks++;
            continue;
          }
          if (refinementWins(e, value[k], entryError(grid, k, e.row, j, Math.abs(reference[k] - value[k])))) {
            value[k] = e.value;
            grid.trunc[k] = e.truncation;
            setEntryNoiseFactor(grid, e.row, j, e.noiseFactor);
          }
        }
      }
      // Compare every entry of the block, then let it go.
      const columns: ColumnFailures = { failing: new Int32Array(cols), worst: new Float64Array(cols) };
      compareGrid(grid, tol, worst, stats, columns);
      for (let j = 0; j < cols; j++) {
        if (columns.failing[j] === 0) continue;
        failingColumns.push({
          b,
          j: start + j,
          worst: columns.worst[j],
          failing: columns.failing[j],
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
      stats.failing -= c.failing;
      refuted++;
      // Its entries were ranked as failing; they are finite-difference artefacts.
      worst.demote((e) => e.input === wrt[c.b] && e.inIndex === c.j);
    }
    if (!taylor || (taylor.outcome === 'refuted' && t.outcome !== 'refuted')) taylor = t;
  }
  const status = stats.failing > 0 ? 'fail' : kinks > 0 ? 'nondifferentiable' : 'pass';
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
