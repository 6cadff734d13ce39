// The task a worker thread of the pool runs: load the check from its origin itself, say so, then run it.
import type { MessagePort } from 'node:worker_threads';
import type { CheckResult } from '../property/index.js';
import type { CheckSpec } from '../check/types.js';
import { loadCheck } from './load-check.js';
import { errorResult, randomSeed, runCheck, type CheckOrigin, type RunCheckOptions } from './run-checks.js';

/** What the main thread sends a worker: where the check comes from, how to run it, and a port to say it started. */
export interface WorkerTask {
  origin: CheckOrigin;
  name: string;
  options: RunCheckOptions;
  /** Receives 'started' once the check is loaded, so that loading does not count against the time limit. */
  port: MessagePort;
}

const loaded = new Map<string, Promise<CheckSpec>>();

// User code that calls process.exit would end this worker and leave its check to time out: make it a throw instead.
function exitAsThrow(code?: number | string | null): never {
  const error = new Error(`called process.exit(${code ?? ''})`);
  Error.captureStackTrace(error, exitAsThrow); // the first frame is the caller's
  throw error;
}
process.exit = exitAsThrow as typeof process.exit;

/** Loads (once per worker and origin) and runs one check; a check that cannot be loaded is an `error` result. */
export default async function runCheckInWorker(task: WorkerTask): Promise<CheckResult> {
  const key = JSON.stringify(task.origin);
  let pending = loaded.get(key);
  if (!pending) {
    pending = loadCheck(task.origin);
    loaded.set(key, pending);
  }
  let spec: CheckSpec;
  try {
    spec = await pending;
  } catch (error) {
    task.port.close();
    const msg = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return errorResult(task.name, task.options.seed ?? randomSeed(), `the worker could not load the check: ${msg}`, 0);
  }
  task.port.postMessage('started');
  task.port.close();
  return runCheck(spec, task.options);
}
