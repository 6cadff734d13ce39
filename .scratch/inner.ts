import { checkOnce } from '../src/check/check-once.ts';
import { sweep } from '../bench/workloads.ts';
const name = process.argv[2] ?? 'dense 256';
const w = sweep().find((x) => x.name === name)!;
let inF = 0; let calls = 0;
const f0 = w.spec.f;
const timed = { ...w.spec, f: (i: any) => { const t = performance.now(); const r = f0(i); inF += performance.now() - t; calls++; return r; } };
for (let rep = 0; rep < 30; rep++) checkOnce(timed, w.inputs);
const res: number[] = [];
for (let rep = 0; rep < 20; rep++) {
  inF = 0; calls = 0;
  const t = performance.now(); checkOnce(timed, w.inputs); const total = performance.now() - t;
  // bare: same number of calls back to back
  const tb = performance.now(); for (let k = 0; k < calls; k++) f0(w.inputs); const bare = performance.now() - tb;
  res.push(total); if (rep % 5 === 0) console.log(name, 'total', total.toFixed(2), 'in f', inF.toFixed(2), 'outside f', (total - inF).toFixed(2), 'bare', bare.toFixed(2), 'calls', calls);
}
