// npm run bench:workers [-- --reps N] [--runs N] [--no-tsx] [--wait-quiet SECONDS] [--out FILE]
// Wall time of the whole catalog through the CLI (a child process each time) with --workers 1 and --workers 2, and
// in-process (the library's runChecks, no worker at all); where the start-up time goes; writes bench/results/workers.json.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distIsFresh } from '../bin/dist-fresh.mjs';
import { machineInfo } from './report.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const reps = Number(argValue('--reps') ?? 7);
const runs = Number(argValue('--runs') ?? 100);
const seed = 1;
const withTsx = !process.argv.includes('--no-tsx');
const quietWaitS = Number(argValue('--wait-quiet') ?? 120);
const out = resolve(argValue('--out') ?? join(root, 'bench', 'results', 'workers.json'));

/** CPU time (user + system, ms) of this process's finished children, from /proc/self/stat; null off Linux. */
function childrenCpuMs(): number | null {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
    // After the command: state is field 3, so cutime (16) and cstime (17) sit at indices 13 and 14; clock ticks of 10 ms.
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return null;
  }
}

/** Percent of CPU time idle over the next `ms` (all cores, from /proc/stat); null off Linux. */
function idlePercent(ms: number): number | null {
  const read = (): number[] | null => {
    try {
      return readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 8).map(Number);
    } catch {
      return null;
    }
  };
  const a = read();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  const b = read();
  if (!a || !b) return null;
  const total = b.reduce((s, x) => s + x, 0) - a.reduce((s, x) => s + x, 0);
  return total > 0 ? (100 * (b[3] - a[3])) / total : null;
}

/** Waits (up to quietWaitS) until the cores were at least 90% idle over a second; the idle percent seen last. */
function waitQuiet(): number | null {
  const until = Date.now() + quietWaitS * 1000;
  let idle = idlePercent(1000);
  while (idle !== null && idle < 90 && Date.now() < until) idle = idlePercent(1000);
  return idle === null ? null : Math.round(idle);
}

/** One timed child process: wall ms, children CPU ms, and what it printed on stdout. */
function timed(args: string[], env: NodeJS.ProcessEnv = {}): { wallMs: number; cpuMs: number | null; stdout: string } {
  const cpu0 = childrenCpuMs();
  const t0 = performance.now();
  const run = spawnSync(process.execPath, args, { cwd: root, env: { ...process.env, ...env, FORCE_COLOR: '0' }, encoding: 'utf8', maxBuffer: 1 << 26 });
  const wallMs = performance.now() - t0;
  const cpu1 = childrenCpuMs();
  if (run.status !== 0) throw new Error(`bench:workers: node ${args.join(' ')} exited with ${run.status}: ${run.stderr.trim().split('\n').slice(-3).join(' / ')}`);
  return { wallMs, cpuMs: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0, stdout: run.stdout };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x: number): number => Math.round(x * 10) / 10;

// The in-process path: the library's sequential runChecks over the catalog, from dist/, timed the same way.
const IN_PROCESS = `
const { prepareCatalog } = await import(${JSON.stringify(`${root}/dist/api/prepare.js`)});
const { runChecks } = await import(${JSON.stringify(`${root}/dist/api/run-checks.js`)});
const results = await runChecks(prepareCatalog(), { runs: ${runs}, seed: ${seed} });
if (results.some((r) => r.status !== 'pass')) process.exit(1);
process.stdout.write(JSON.stringify({ checks: results.map((r) => ({ name: r.name, durationMs: r.durationMs })) }));
`;

interface Config {
  name: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}
const reportDir = mkdtempSync(join(tmpdir(), 'gradproof-bench-workers-'));
/** A script written to a file (worker threads inherit --input-type, which a file entry rejects) and run with node. */
const script = (name: string, code: string): string[] => {
  const file = join(reportDir, `${name}.mjs`);
  writeFileSync(file, code);
  return [file];
};
const cli = (workers: number): string[] => ['bin/gradproof.mjs', 'catalog', '--workers', String(workers), '--runs', String(runs), '--seed', String(seed), '--format', 'json', '--report-dir', reportDir, '--json'];
const configs: Config[] = [
  { name: 'workers-1', args: cli(1) },
  { name: 'workers-2', args: cli(2) },
  { name: 'in-process', args: script('in-process', IN_PROCESS) },
  ...(withTsx
    ? [
        { name: 'workers-1-tsx', args: cli(1), env: { GRADPROOF_TSX: '1' } },
        { name: 'workers-2-tsx', args: cli(2), env: { GRADPROOF_TSX: '1' } },
      ]
    : []),
];

if (!distIsFresh(root)) {
  console.error('bench:workers: dist/ is missing or older than src/: building it (npm run build)');
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

// Where start-up time goes: each piece timed alone, in a fresh process.
const WORKER_PROBE = (viaTsx: boolean) => `
import { Worker } from 'node:worker_threads';
const code = \`
import { parentPort } from 'node:worker_threads';
(async () => {
  const t0 = performance.now();
  ${viaTsx ? "const { register } = await import('tsx/esm/api'); register();" : ''}
  const t1 = performance.now();
  const w = await import(${JSON.stringify(viaTsx ? `${root}/src/api/check-worker.ts` : `${root}/dist/api/check-worker.js`)});
  const t2 = performance.now();
  const { loadCheck } = await import(${JSON.stringify(viaTsx ? `${root}/src/api/load-check.ts` : `${root}/dist/api/load-check.js`)});
  await loadCheck({ kind: 'catalog', name: 'example-5/dJ-dU' });
  const t3 = performance.now();
  parentPort.postMessage({ registerMs: t1 - t0, importWorkerMs: t2 - t1, loadCatalogMs: t3 - t2 });
})();
\`;
const s = performance.now();
let onlineMs = 0;
const w = new Worker(code, { eval: true });
w.on('online', () => { onlineMs = performance.now() - s; });
w.on('message', (m) => {
  process.stdout.write(JSON.stringify({ onlineMs, ...m, readyMs: performance.now() - s }));
  process.exit(0);
});
`;
// The pool phase by thread: CPU of the worker threads (started after the snapshot) and of the threads that were
// there before (the main thread, idle meanwhile, and V8's platform threads: optimizing compiler, GC helpers).
const THREADS_PROBE = (workers: number) => `
import { readdirSync, readFileSync } from 'node:fs';
const snap = () => Object.fromEntries(readdirSync('/proc/self/task').map((tid) => {
  const raw = readFileSync('/proc/self/task/' + tid + '/stat', 'utf8');
  const f = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
  return [tid, (Number(f[11]) + Number(f[12])) * 10];
}));
const { prepareCatalog } = await import(${JSON.stringify(`${root}/dist/api/prepare.js`)});
const { runChecksInWorkers } = await import(${JSON.stringify(`${root}/dist/api/run-pool.js`)});
const checks = prepareCatalog();
const before = snap();
const t = performance.now();
let last = {};
await runChecksInWorkers(checks, { runs: ${runs}, seed: ${seed} }, { onCheckDone: (r, i, n) => { if (i === n - 1) last = snap(); } }, { workers: ${workers} });
const poolWallMs = performance.now() - t;
let workerThreadsCpuMs = 0, otherThreadsCpuMs = 0;
for (const [tid, ms] of Object.entries(last)) {
  if (tid in before) otherThreadsCpuMs += ms - before[tid];
  else workerThreadsCpuMs += ms;
}
process.stdout.write(JSON.stringify({ poolWallMs, workerThreadsCpuMs, otherThreadsCpuMs }));
`;
const PIECES: Config[] = [
  { name: 'node-empty', args: ['-e', '0'] },
  { name: 'cli-version-dist', args: ['bin/gradproof.mjs', '--version'] },
  { name: 'cli-version-tsx', args: ['bin/gradproof.mjs', '--version'], env: { GRADPROOF_TSX: '1' } },
  { name: 'worker-start-dist', args: script('worker-start-dist', WORKER_PROBE(false)) },
  { name: 'worker-start-tsx', args: script('worker-start-tsx', WORKER_PROBE(true)) },
  ...(existsSync('/proc/self/task')
    ? [
        { name: 'pool-threads-1', args: script('pool-threads-1', THREADS_PROBE(1)) },
        { name: 'pool-threads-2', args: script('pool-threads-2', THREADS_PROBE(2)) },
      ]
    : []),
];

interface Sample {
  wallMs: number;
  cpuMs: number | null;
  /** Sum of the checks' own durations. */
  checkMs: number;
  /** The report's durationMs: from just before the pool starts to the last result. */
  poolMs: number | null;
}
const samples = new Map<string, Sample[]>(configs.map((c) => [c.name, []]));
const pieces = new Map<string, { wallMs: number; detail: Record<string, number> | null }[]>(PIECES.map((p) => [p.name, []]));
const started = new Date();
const loadBefore = loadavg();
timed(cli(2)); // warm the file cache and tsx's transform cache
timed(cli(2), { GRADPROOF_TSX: '1' });
const idleBeforeRep: (number | null)[] = [];
for (let r = 0; r < reps; r++) {
  // The configurations run interleaved, each when the cores are quiet (other jobs share this machine).
  for (const c of configs) {
    const idle = waitQuiet();
    if (c === configs[0]) idleBeforeRep.push(idle);
    const t = timed(c.args, c.env);
    const parsed = JSON.parse(t.stdout) as { durationMs?: number; checks: { durationMs: number }[] };
    samples.get(c.name)!.push({ wallMs: t.wallMs, cpuMs: t.cpuMs, checkMs: parsed.checks.reduce((s, x) => s + x.durationMs, 0), poolMs: parsed.durationMs ?? null });
  }
  for (const p of PIECES) {
    const t = timed(p.args, p.env);
    pieces.get(p.name)!.push({ wallMs: t.wallMs, detail: t.stdout.startsWith('{') ? (JSON.parse(t.stdout) as Record<string, number>) : null });
  }
  console.error(`  rep ${r + 1}/${reps} (idle before: ${idleBeforeRep[r] ?? '?'}%): ${configs.map((c) => `${c.name} ${samples.get(c.name)!.at(-1)!.wallMs.toFixed(0)} ms`).join(', ')}`);
}
rmSync(reportDir, { recursive: true, force: true });

const summary = configs.map((c) => {
  const s = samples.get(c.name)!;
  const cpu = s.map((x) => x.cpuMs).filter((x): x is number => x !== null);
  const pool = s.map((x) => x.poolMs).filter((x): x is number => x !== null);
  return {
    name: c.name,
    medianWallMs: round(median(s.map((x) => x.wallMs))),
    minWallMs: round(Math.min(...s.map((x) => x.wallMs))),
    medianCpuMs: cpu.length ? round(median(cpu)) : null,
    medianCheckMs: round(median(s.map((x) => x.checkMs))),
    medianPoolMs: pool.length ? round(median(pool)) : null,
    samplesWallMs: s.map((x) => round(x.wallMs)),
  };
});
const startup = PIECES.map((p) => {
  const s = pieces.get(p.name)!;
  const detail: Record<string, number> = {};
  for (const key of Object.keys(s[0].detail ?? {})) detail[key] = round(median(s.map((x) => x.detail![key])));
  return { name: p.name, medianWallMs: round(median(s.map((x) => x.wallMs))), ...(Object.keys(detail).length ? { medianMs: detail } : {}) };
});
const wall = (name: string) => summary.find((s) => s.name === name)?.medianWallMs ?? NaN;
const ratios = {
  'workers-1 / workers-2': Math.round((wall('workers-1') / wall('workers-2')) * 100) / 100,
  ...(withTsx ? { 'workers-1-tsx / workers-2-tsx': Math.round((wall('workers-1-tsx') / wall('workers-2-tsx')) * 100) / 100 } : {}),
};

console.log('| run | median wall ms | min wall ms | median CPU ms | sum of check durations ms | pool phase ms |');
console.log('|---|---|---|---|---|---|');
for (const s of summary) console.log(`| ${s.name} | ${s.medianWallMs} | ${s.minWallMs} | ${s.medianCpuMs ?? '—'} | ${s.medianCheckMs} | ${s.medianPoolMs ?? '—'} |`);
console.log('');
console.log('| start-up piece | median wall ms | detail (median ms) |');
console.log('|---|---|---|');
for (const p of startup) console.log(`| ${p.name} | ${p.medianWallMs} | ${'medianMs' in p ? JSON.stringify(p.medianMs) : ''} |`);
console.log('');
for (const [k, v] of Object.entries(ratios)) console.log(`${k}: ${v}×`);
console.log(`load average (1 min) before ${loadBefore[0].toFixed(2)}, after ${loadavg()[0].toFixed(2)} on ${machineInfo().cores} cores`);

mkdirSync(dirname(out), { recursive: true });
const doc = {
  schemaVersion: 1,
  startedAt: started.toISOString(),
  machine: machineInfo(),
  /** The 1-, 5- and 15-minute load averages before and after: other jobs on the cores slow --workers 2 most. */
  loadAverage: { before: loadBefore.map(round), after: loadavg().map(round) },
  /** Percent of CPU idle in the second before each repetition's first run (each run waits up to --wait-quiet seconds for 90%). */
  idleBeforeRep,
  method: {
    quiet: `each run of the CLI waits up to ${quietWaitS} s for a second in which the cores are at least 90% idle (idleBeforeRep: before the first of each repetition)`,
    runs: `the whole catalog, --runs ${runs} --seed ${seed}, ${reps} repetitions of each configuration, interleaved, after one warm-up run; each a fresh node process timed from spawn to exit`,
    configurations: 'workers-N: node bin/gradproof.mjs catalog --workers N (dist/ fresh, so the CLI and its workers run the build); *-tsx: the same with GRADPROOF_TSX=1 (the sources through tsx); in-process: the library\'s sequential runChecks from dist/ in one thread, no worker',
    cpuMs: 'user + system CPU of the child process (all its threads), from /proc/self/stat cutime + cstime',
    checkMs: 'sum of the checks\' own durationMs in the report (grows when the threads compete for the cores, and with a cold JIT in each worker)',
    poolMs: 'the report\'s durationMs: from just before the pool is created to the last result',
    startup: 'each piece alone in a fresh process: node-empty (node -e 0), cli-version (the CLI loading its main module, then --version), worker-start (one worker thread: online, tsx registration, importing check-worker, loading one catalog check), pool-threads-N (runChecksInWorkers over the catalog from dist/ with N workers: the pool phase\'s wall time, the CPU of the worker threads, and the CPU of the threads that existed before the pool: the idle main thread and V8\'s platform threads, which run the optimizing compiler and GC helpers)',
  },
  results: summary,
  startup,
  ratios,
};
writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
console.error(`bench:workers: wrote ${out}`);
