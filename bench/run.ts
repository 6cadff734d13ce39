// npm run bench [-- --filter TEXT] [--out FILE] [--quick]
// Times checkOnce on each workload of the sweep against the bare evaluations it needs; prints a table and writes JSON.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureInChild } from './isolate.js';
import { FAST_MODE_AVAILABLE, type BenchMode, type Measurement } from './measure.js';
import { machineInfo, measurementTable } from './report.js';
import { streamedSweep, sweep } from './workloads.js';

const here = dirname(fileURLToPath(import.meta.url));

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const filter = argValue('--filter');
const out = resolve(argValue('--out') ?? resolve(here, 'results', 'bench.json'));
const quick = process.argv.includes('--quick');
const modes: BenchMode[] = FAST_MODE_AVAILABLE ? ['full', 'fast'] : ['full'];

if (!FAST_MODE_AVAILABLE) console.error('bench: this checkout has no fast mode; measuring full mode only');

const workloads = sweep().filter((w) => !filter || w.name.includes(filter));
const results: Measurement[] = [];
const started = new Date();
for (const w of workloads) {
  for (const mode of modes) {
    const m = measureInChild(w.name, mode, { quick });
    results.push(m);
    console.error(`  ${w.name} ${mode}: ${m.checkerMs.toFixed(2)} ms CPU, overhead ${m.overhead.toFixed(2)}×`);
  }
}

// Over the Jacobian budget: full mode streams the Jacobian in blocks of columns (peak memory is the point here).
for (const w of streamedSweep().filter((x) => !filter || x.name.includes(filter))) {
  const m = measureInChild(w.name, 'full', { quick });
  results.push(m);
  console.error(`  ${w.name} full: ${m.checkerMs.toFixed(2)} ms CPU, overhead ${m.overhead.toFixed(2)}×, peak ${((m.peakBytes ?? 0) / 2 ** 20).toFixed(1)} MiB`);
}

console.log(measurementTable(results));
mkdirSync(dirname(out), { recursive: true });
const doc = {
  schemaVersion: 1,
  startedAt: started.toISOString(),
  machine: machineInfo(),
  method: {
    isolation: 'each workload and mode is measured in a fresh node process (bench/child.ts)',
    checker: 'CPU time (process.cpuUsage user + system) of checkOnce(spec, input) at one fixed input: fastest of at least 5 samples (until 500 ms) after 1 s of warm-up runs (firstMs: the cold first check); short checks are repeated within a sample to last about 20 ms; a first run over 1 s is the only sample. Wall times are recorded beside.',
    bare: 'CPU time of the same number of calls of spec.f at a working copy of the same input, each allocating its output as under the checker, from a call site that is kept megamorphic so the JIT does not inline f or fold its inputs to constants; interleaved with the checker samples; fastest',
    overhead: 'checkerMs / bareMs; the checker time includes the calls of the derivative (jacobian, gradient, vjp or jvp), which bare does not',
    memory: 'peakBytes: sampled peak of live memory (process.memoryUsage() heapUsed + arrayBuffers right after a forced GC) at about 64 evaluations of one checkOnce and after it returns, above the level just before it; transients between samples are not seen. retainedBytes: the same after the check returns, with the verdict alive',
  },
  results,
};
writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
console.error(`bench: wrote ${out}`);
