import { checkOnce } from '../src/check/check-once.ts';
import { sweep } from '../bench/workloads.ts';
const name = process.argv[2] ?? 'dense 256';
const mode = (process.argv[3] ?? 'full') as 'full' | 'fast';
const w = sweep().find((x) => x.name === name)!;
for (let rep = 0; rep < 30; rep++) checkOnce(w.spec, w.inputs, { mode });
const t = performance.now(); const N = Number(process.argv[4] ?? 100);
for (let rep = 0; rep < N; rep++) checkOnce(w.spec, w.inputs, { mode });
console.log(name, mode, ((performance.now() - t) / N).toFixed(3), 'ms per check');
