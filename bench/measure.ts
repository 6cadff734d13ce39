import { checkOnce, type CheckOptions, type CheckSpec, type NamedTensors, type Status } from '../src/check/index.js';
import { cloneTensor, sizeOf, type Tensor } from '../src/tensor/index.js';
import { tanh, type Workload } from './workloads.js';

/** The checker's mode: every Jacobian entry, or directional probes. */
export type BenchMode = 'full' | 'fast';

/** How a workload is timed. */
export interface MeasureOptions {
  /** Full or fast check. @defaultValue 'full' */
  mode?: BenchMode;
  /** Keep repeating until the timed checker samples add up to this much CPU time, ms. @defaultValue 500 */
  minTimeMs?: number;
  /** At least this many timed samples (unless the first run was long). @defaultValue 5 */
  minReps?: number;
  /** At most this many timed samples. @defaultValue 30 */
  maxReps?: number;
  /** A sample repeats a short check until it lasts about this long, ms. @defaultValue 20 */
  sampleMs?: number;
  /** A first run longer than this is the only sample (its warm-up share is negligible), ms. @defaultValue 1000 */
  longRunMs?: number;
  /** Before sampling, run checker and bare evaluations alternately for this much CPU time (JIT warm-up), ms. @defaultValue 1000 */
  warmupMs?: number;
  /** Also run the (untimed) memory measurement. @defaultValue true */
  memory?: boolean;
}

/** What one workload costs the checker, against the bare evaluations it needs. */
export interface Measurement {
  workload: string;
  family: string;
  sizes: number[];
  mode: BenchMode;
  /** Entries of the differentiated inputs (Jacobian columns). */
  inputEntries: number;
  /** Entries of f's output (Jacobian rows). */
  outputEntries: number;
  status: Status;
  /** Calls of f that one check made. */
  evaluations: number;
  derivativeCalls: number;
  /** CPU time of the very first checkOnce in a fresh process (cold JIT), ms. */
  firstMs: number;
  /** Warm-up runs before sampling (0 when the first run was long and is the only sample). */
  warmupRuns: number;
  /** Timed samples. */
  reps: number;
  /** Checks (or bare batches) per sample: short checks are repeated so that a sample lasts about sampleMs. */
  batch: number;
  /** CPU time (user + system) of one checkOnce, fastest sample, ms. */
  checkerMs: number;
  /** Wall time of one checkOnce, fastest sample, ms. */
  checkerWallMs: number;
  /** CPU time of `evaluations` bare calls of f at the same input, fastest sample, ms. */
  bareMs: number;
  bareWallMs: number;
  /** checkerMs / bareMs. */
  overhead: number;
  /**
   * Sampled peak of live heapUsed + arrayBuffers (process.memoryUsage after a forced GC, at about 64 evaluations
   * and after the check returns) above the level just before checkOnce. Null when not measured.
   */
  peakBytes: number | null;
  /** heapUsed + arrayBuffers still held after a forced GC with the verdict alive, above the same baseline. */
  retainedBytes: number | null;
}

/** CheckOptions plus the `mode` field that the numerics work adds to it (absent from older checkouts). */
type ModeOptions = CheckOptions & { mode?: BenchMode };

/**
 * Whether this checkout's checker runs fast mode: a verdict from `mode: 'fast'` carries a `fast` summary. Older
 * checkers ignore the field and run in full. (On 16 inputs a full check may well cost fewer evaluations.)
 */
function detectFastMode(): boolean {
  const w = tanh(16);
  const fast = checkOnce(w.spec, w.inputs, { mode: 'fast' } as ModeOptions);
  return 'fast' in fast && fast.fast !== undefined;
}

/** Whether this checkout's CheckOptions has a working `mode: 'fast'`. */
export const FAST_MODE_AVAILABLE = detectFastMode();

/** Check options for a mode; fast mode needs a checker that supports it. */
export function checkOptionsFor(mode: BenchMode): CheckOptions {
  if (mode === 'fast' && !FAST_MODE_AVAILABLE) throw new Error('bench: this checkout of gradproof has no fast mode (CheckOptions.mode)');
  const options: ModeOptions = { mode };
  return options;
}

/** CPU time (user + system) of this process so far, ms. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Wall-clock time, ms. */
export function wallMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * Calls fn(arg) `count` times from one call site and sums the first output entry. The site is made megamorphic
 * below, so the JIT never inlines a user's f into this loop nor folds its inputs to constants: f runs as its own
 * compiled function, as it does when the checker calls it.
 */
function callRepeatedly(fn: (arg: never) => unknown, arg: unknown, count: number): number {
  let sink = 0;
  const call = fn as (arg: unknown) => Tensor | number;
  for (let c = 0; c < count; c++) {
    const out = call(arg);
    sink += typeof out === 'number' ? out : out.data[0];
  }
  return sink;
}
const decoys: Array<(a: never) => unknown> = [
  () => 4,
  () => ({ data: [0] }),
  (a) => ({ data: [a] }),
  () => ({ data: Float64Array.of(1) }),
  () => ({ shape: [], data: [2] }),
  () => ({ data: new Float64Array(1) }),
  () => ({ data: [3], extra: true }),
];
for (let r = 0; r < 50; r++) for (const d of decoys) callRepeatedly(d, 0, 2);

/** Calls f `count` times at a working copy of the inputs, as the checker does; f must return a Tensor or a number. */
export function bareEvaluations(spec: CheckSpec, inputs: NamedTensors, count: number): number {
  const working: NamedTensors = {};
  for (const [k, v] of Object.entries(inputs)) working[k] = cloneTensor(v);
  return callRepeatedly(spec.f as (arg: never) => unknown, working, count);
}

/** The fastest of a list. */
function fastest(xs: readonly number[]): number {
  return Math.min(...xs);
}

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}

function memoryNow(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * Live memory of one checkOnce: f is wrapped so that about every evaluations/64-th call forces a GC and samples
 * heapUsed + arrayBuffers (process.memoryUsage); one more sample is taken after checkOnce returns, with the verdict
 * alive. Both are relative to the level after a forced GC just before the check. Transients between two samples
 * (e.g. work done after the last evaluation) are not seen. Needs node --expose-gc; without it the samples include
 * garbage.
 */
export function measureMemory(w: Workload, options: CheckOptions, evaluations: number): { peakBytes: number; retainedBytes: number } {
  const stride = Math.max(1, Math.ceil(evaluations / 64));
  let calls = 0;
  let peak = 0;
  const f = w.spec.f;
  const sampled: CheckSpec = {
    ...w.spec,
    f: (inputs) => {
      const out = f(inputs);
      if (++calls % stride === 0) {
        collect();
        peak = Math.max(peak, memoryNow());
      }
      return out;
    },
  };
  collect();
  const base = memoryNow();
  peak = base;
  const verdict = checkOnce(sampled, w.inputs, options);
  collect();
  const after = memoryNow();
  peak = Math.max(peak, after);
  if (verdict.evaluations < 0) throw new Error('unreachable'); // keeps the verdict alive through the last sample
  return { peakBytes: Math.max(0, peak - base), retainedBytes: Math.max(0, after - base) };
}

/**
 * Times one workload: checkOnce at its fixed input against the same number of bare calls of f, interleaved after a
 * warm-up, each the fastest CPU time over the samples.
 */
export function measure(w: Workload, opts: MeasureOptions = {}): Measurement {
  const mode = opts.mode ?? 'full';
  const minTimeMs = opts.minTimeMs ?? 500;
  const minReps = opts.minReps ?? 5;
  const maxReps = opts.maxReps ?? 30;
  const sampleMs = opts.sampleMs ?? 20;
  const longRunMs = opts.longRunMs ?? 1000;
  const warmupMs = opts.warmupMs ?? 1000;
  const options = checkOptionsFor(mode);

  let c0 = cpuMs();
  let w0 = wallMs();
  const first = checkOnce(w.spec, w.inputs, options);
  const firstCpu = cpuMs() - c0;
  const firstWall = wallMs() - w0;
  const evaluations = first.evaluations;
  c0 = cpuMs();
  w0 = wallMs();
  bareEvaluations(w.spec, w.inputs, evaluations);
  const firstBareCpu = cpuMs() - c0;
  const firstBareWall = wallMs() - w0;

  const checker: number[] = [];
  const checkerWall: number[] = [];
  const bare: number[] = [];
  const bareWall: number[] = [];
  let batch = 1;
  let warmupRuns = 0;
  if (firstCpu >= longRunMs) {
    checker.push(firstCpu);
    checkerWall.push(firstWall);
    bare.push(firstBareCpu);
    bareWall.push(firstBareWall);
  } else {
    // The checker's own loops need a number of runs before the JIT has optimized them (about 10 at 256×256).
    for (let spent = 0; spent < warmupMs; warmupRuns++) {
      c0 = cpuMs();
      checkOnce(w.spec, w.inputs, options);
      bareEvaluations(w.spec, w.inputs, evaluations);
      spent += cpuMs() - c0;
    }
    batch = Math.min(1000, Math.max(1, Math.ceil(sampleMs / Math.max(firstCpu, 1e-3))));
    let total = 0;
    while (checker.length < maxReps && (checker.length < minReps || total < minTimeMs)) {
      c0 = cpuMs();
      w0 = wallMs();
      for (let b = 0; b < batch; b++) {
        const v = checkOnce(w.spec, w.inputs, options);
        if (v.evaluations !== evaluations) throw new Error(`bench: ${w.name} used ${evaluations} evaluations, then ${v.evaluations}`);
      }
      const ms = cpuMs() - c0;
      checker.push(ms / batch);
      checkerWall.push((wallMs() - w0) / batch);
      total += ms;
      c0 = cpuMs();
      w0 = wallMs();
      for (let b = 0; b < batch; b++) bareEvaluations(w.spec, w.inputs, evaluations);
      bare.push((cpuMs() - c0) / batch);
      bareWall.push((wallMs() - w0) / batch);
    }
  }
  const checkerMs = fastest(checker);
  const bareMs = fastest(bare);
  const mem = opts.memory === false ? null : measureMemory(w, options, evaluations);
  const out = w.spec.f(w.inputs) as Tensor | number;
  const outputEntries = typeof out === 'number' ? 1 : out.data.length;
  return {
    workload: w.name,
    family: w.family,
    sizes: w.sizes,
    mode,
    inputEntries: w.wrt.reduce((s, name) => s + sizeOf(w.inputs[name].shape), 0),
    outputEntries,
    status: first.status,
    evaluations,
    derivativeCalls: first.derivativeCalls,
    firstMs: firstCpu,
    warmupRuns,
    reps: checker.length,
    batch,
    checkerMs,
    checkerWallMs: fastest(checkerWall),
    bareMs,
    bareWallMs: fastest(bareWall),
    overhead: checkerMs / bareMs,
    peakBytes: mem ? mem.peakBytes : null,
    retainedBytes: mem ? mem.retainedBytes : null,
  };
}
