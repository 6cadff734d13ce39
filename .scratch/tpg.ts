import { fdJacobian } from '../src/fd/jacobian.ts';
const n = 256;
const W = new Float64Array(n * n).map((_, k) => Math.sin(k));
const x = new Float64Array(n).map((_, k) => Math.cos(k));
const outs = [new Float64Array(n), new Float64Array(n)];
let calls = 0;
// a cheap f: only the first 4 rows depend on x (so the cost is the checker's): z_i = W_i·x for i < 4, else constant
const f = (_: number | undefined, into?: Float64Array) => { calls++; const o = into ?? new Float64Array(n); for (let i = 0; i < n; i++) { let s = 0; if (i < 4) for (let j = 0; j < n; j++) s += W[i * n + j] * x[j]; o[i] = s; } return o; };
const f0 = f(undefined, new Float64Array(n));
const ref = new Float64Array(n * n); for (let i = 0; i < 4; i++) for (let j = 0; j < n; j++) ref[i * n + j] = W[i * n + j];
const CM = process.argv[2] === "cm"; const refT = new Float64Array(n * n); for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) refT[j * n + i] = ref[i * n + j];
for (let rep = 0; rep < 50; rep++) fdJacobian(f, x, f0, { columnMajor: CM, gate: { reference: CM ? refT : ref, atol: 0, rtol: 1e-7, step: 2 ** -15 } });
const t0 = performance.now(); const N = 200;
for (let rep = 0; rep < N; rep++) fdJacobian(f, x, f0, { columnMajor: CM, gate: { reference: CM ? refT : ref, atol: 0, rtol: 1e-7, step: 2 ** -15 } });
console.log('fdJacobian 256x256 cheap f', ((performance.now() - t0) / N).toFixed(3), 'ms');
