// npm run bench:peers [-- --filter TEXT] [--quick]
// Runs the benchmark sweep through PyTorch's gradcheck (bench/peers/torch_gradcheck.py, Debian's python3-torch)
// and through gradproof in the same run, and prints gradproof/torch time ratios side by side.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureInChild } from '../isolate.js';
import { FAST_MODE_AVAILABLE, type BenchMode, type Measurement } from '../measure.js';
import { machineInfo } from '../report.js';
import { sweep } from '../workloads.js';
import { pairUp, peerTable, workloadsToJson, type TorchRun } from './compare.js';

const here = dirname(fileURLToPath(import.meta.url));
/** Debian's python, which python3-torch targets (a pyenv python3 on PATH usually has no torch). */
const PYTHON = process.env.GRADPROOF_PEER_PYTHON ?? '/usr/bin/python3';

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function main(): number {
  const filter = argValue('--filter');
  const quick = process.argv.includes('--quick');
  const out = resolve(argValue('--out') ?? resolve(here, '..', 'results', 'peers.json'));
  const probe = existsSync(PYTHON) ? spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }) : undefined;
  if (!probe || probe.status !== 0) {
    console.log(`bench:peers: skipped, PyTorch is not available to ${PYTHON} (apt-get install python3-torch)`);
    return 0;
  }
  const workloads = sweep().filter((w) => !filter || w.name.includes(filter));
  const dir = mkdtempSync(join(tmpdir(), 'gradproof-peers-'));
  let torch: TorchRun;
  try {
    const file = join(dir, 'workloads.json');
    writeFileSync(file, JSON.stringify(workloadsToJson(workloads)));
    const args = [join(here, 'torch_gradcheck.py'), file, '--modes', 'full,fast', ...(quick ? ['--quick'] : [])];
    const run = spawnSync(PYTHON, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 2 ** 20 });
    if (run.status !== 0) {
      console.error(`bench:peers: torch_gradcheck.py exited with ${run.status}`);
      return 1;
    }
    torch = JSON.parse(run.stdout) as TorchRun;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const modes: BenchMode[] = FAST_MODE_AVAILABLE ? ['full', 'fast'] : ['full'];
  if (!FAST_MODE_AVAILABLE) console.error('bench:peers: this checkout of gradproof has no fast mode; torch fast mode is shown alone');
  const ours: Measurement[] = [];
  for (const w of workloads) {
    for (const mode of modes) {
      const m = measureInChild(w.name, mode, { quick, memory: false });
      ours.push(m);
      console.error(`  gradproof ${w.name} ${mode}: ${m.checkerMs.toFixed(2)} ms`);
    }
  }
  const rows = pairUp(ours, torch.results);
  const unpaired = torch.results.filter((t) => !rows.some((r) => r.workload === t.workload && r.mode === t.mode));
  console.log(`gradproof vs torch.autograd.gradcheck (torch ${torch.torch}, ${torch.threads} thread, float64); gp/torch < 1: gradproof is faster`);
  console.log(peerTable(rows, unpaired));
  mkdirSync(dirname(out), { recursive: true });
  const doc = { schemaVersion: 1, startedAt: new Date().toISOString(), machine: machineInfo(), torch: { version: torch.torch, python: torch.python, threads: torch.threads }, rows, torchOnly: unpaired, gradproof: ours, torchResults: torch.results };
  writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
  console.error(`bench:peers: wrote ${out}`);
  return 0;
}

process.exitCode = main();
