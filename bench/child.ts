// One measurement in a fresh process, so that no other workload has shaped the JIT's view of the checker or of f.
// node --expose-gc --import tsx bench/child.ts <workload name> <full|fast> [--quick] [--no-memory]
import { measure, type BenchMode } from './measure.js';
import { streamedSweep, sweep } from './workloads.js';

const [name, mode] = process.argv.slice(2);
const w = [...sweep(), ...streamedSweep()].find((x) => x.name === name);
if (!w || (mode !== 'full' && mode !== 'fast')) {
  console.error(`bench/child: unknown workload "${name}" or mode "${mode}"`);
  process.exit(2);
}
const quick = process.argv.includes('--quick');
const memory = !process.argv.includes('--no-memory');
const m = measure(w, { mode: mode as BenchMode, memory, ...(quick ? { minTimeMs: 0, minReps: 1, maxReps: 1, longRunMs: 0, warmupMs: 0 } : {}) });
process.stdout.write(`${JSON.stringify(m)}\n`);
