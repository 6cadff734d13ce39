import type { BenchMode, Measurement } from '../measure.js';
import { formatMs, formatTable } from '../report.js';
import type { Workload } from '../workloads.js';

/** One torch gradcheck measurement, as torch_gradcheck.py prints it. */
export interface TorchMeasurement {
  workload: string;
  mode: BenchMode;
  passed: boolean;
  evaluations: number;
  reps: number;
  checkerMs: number;
  bareMs: number;
  overhead: number;
}

/** What torch_gradcheck.py prints. */
export interface TorchRun {
  torch: string;
  python: string;
  threads: number;
  results: TorchMeasurement[];
}

/** The workloads as plain JSON for the peer script: names, family, sizes, wrt and every input tensor. */
export function workloadsToJson(ws: readonly Workload[]): unknown[] {
  return ws.map((w) => ({
    name: w.name,
    family: w.family,
    sizes: w.sizes,
    wrt: w.wrt,
    inputs: Object.fromEntries(Object.entries(w.inputs).map(([k, t]) => [k, { shape: t.shape, data: Array.from(t.data) }])),
  }));
}

/** One row of the side-by-side comparison. */
export interface PeerRow {
  workload: string;
  mode: BenchMode;
  gradproofMs: number;
  torchMs: number;
  /** gradproofMs / torchMs: below 1 means gradproof is faster. */
  ratio: number;
  gradproofEvaluations: number;
  torchEvaluations: number;
  gradproofOverhead: number;
  torchOverhead: number;
  gradproofStatus: string;
  torchPassed: boolean;
}

/** Pairs gradproof's and torch's measurements by workload and mode. */
export function pairUp(ours: readonly Measurement[], theirs: readonly TorchMeasurement[]): PeerRow[] {
  const rows: PeerRow[] = [];
  for (const m of ours) {
    const t = theirs.find((x) => x.workload === m.workload && x.mode === m.mode);
    if (!t) continue;
    rows.push({
      workload: m.workload,
      mode: m.mode,
      gradproofMs: m.checkerMs,
      torchMs: t.checkerMs,
      ratio: m.checkerMs / t.checkerMs,
      gradproofEvaluations: m.evaluations,
      torchEvaluations: t.evaluations,
      gradproofOverhead: m.overhead,
      torchOverhead: t.overhead,
      gradproofStatus: m.status,
      torchPassed: t.passed,
    });
  }
  return rows;
}

/** The side-by-side table. */
export function peerTable(rows: readonly PeerRow[], torchOnly: readonly TorchMeasurement[]): string {
  const header = ['workload', 'mode', 'gradproof ms', 'torch ms', 'gp/torch', 'evals gp', 'evals torch', 'overhead gp', 'overhead torch'];
  const body = rows.map((r) => [
    r.workload,
    r.mode,
    formatMs(r.gradproofMs),
    formatMs(r.torchMs),
    `${r.ratio.toFixed(3)}`,
    String(r.gradproofEvaluations),
    String(r.torchEvaluations),
    `${r.gradproofOverhead.toFixed(2)}×`,
    `${r.torchOverhead.toFixed(2)}×`,
  ]);
  for (const t of torchOnly) {
    body.push([t.workload, t.mode, '—', formatMs(t.checkerMs), '—', '—', String(t.evaluations), '—', `${t.overhead.toFixed(2)}×`]);
  }
  return formatTable(header, body);
}
