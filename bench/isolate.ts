import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchMode, Measurement } from './measure.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Options of a measurement in a child process. */
export interface ChildOptions {
  /** One sample, no warm-up: checks that the machinery works, not how fast. @defaultValue false */
  quick?: boolean;
  /** Measure memory too. @defaultValue true */
  memory?: boolean;
}

/** Measures one workload in a fresh node process (bench/child.ts) and returns its measurement. */
export function measureInChild(workload: string, mode: BenchMode, options: ChildOptions = {}): Measurement {
  const args = ['--expose-gc', '--import', 'tsx', resolve(here, 'child.ts'), workload, mode];
  if (options.quick) args.push('--quick');
  if (options.memory === false) args.push('--no-memory');
  const run = spawnSync(process.execPath, args, { cwd: resolve(here, '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (run.status !== 0) throw new Error(`bench: measuring "${workload}" (${mode}) failed with exit code ${run.status}`);
  return JSON.parse(run.stdout) as Measurement;
}
