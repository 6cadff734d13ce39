import { availableParallelism } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import Tinypool from 'tinypool';
import type { CheckResult } from '../property/index.js';
import type { WorkerTask } from './check-worker.js';
import { assertModeAvailable, errorResult, randomSeed, runCheck, type PreparedCheck, type RunCheckOptions, type RunHooks } from './run-checks.js';

/** How checks are spread over worker threads. */
export interface PoolOptions {
  /** Worker threads. @defaultValue the available cores */
  workers?: number;
  /** Time limit per check, in seconds, counted from when the worker has loaded it. @defaultValue 60 */
  timeoutSeconds?: number;
}

// Compiled (dist/), the workers load the sibling build directly; from the sources, bin/gradproof-worker.mjs
// picks a fresh dist/ or tsx.
const WORKER_ENTRY = import.meta.url.endsWith('.js')
  ? new URL('./check-worker.js', import.meta.url).href
  : new URL('../../bin/gradproof-worker.mjs', import.meta.url).href;

/** Runs checks in worker threads, each with a time limit: a check that exceeds it (or whose worker dies) gets an `error` result and the others run on. */
export async function runChecksInWorkers(
  checks: readonly PreparedCheck[],
  options: RunCheckOptions = {},
  hooks: RunHooks = {},
  pool: PoolOptions = {},
): Promise<CheckResult[]> {
  assertModeAvailable(options.mode);
  const timeoutSeconds = pool.timeoutSeconds ?? 60;
  const threads = Math.max(1, Math.min(pool.workers ?? availableParallelism(), checks.length));
  // The threads start at once (each loading gradproof while the main thread goes on), unless no check needs one.
  const eager = checks.some((c) => c.origin.kind !== 'inline') ? threads : 0;
  const tinypool = new Tinypool({ filename: WORKER_ENTRY, minThreads: eager, maxThreads: threads, idleTimeout: 1000 });
  const results: (CheckResult | undefined)[] = new Array(checks.length);
  let done = 0;

  const runOne = async (i: number): Promise<void> => {
    const check = checks[i];
    const seed = options.seed ?? randomSeed();
    const started = performance.now();
    let result: CheckResult;
    if (check.origin.kind === 'inline') {
      // A spec given as an object cannot be loaded again in another thread: it runs here, without a time limit.
      await new Promise((r) => setImmediate(r));
      result = runCheck(check.spec, { ...options, seed });
    } else {
      const { port1, port2 } = new MessageChannel();
      const limit = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      port1.on('message', () => {
        timer = setTimeout(() => limit.abort(), timeoutSeconds * 1000);
      });
      const signal = hooks.signal ? AbortSignal.any([limit.signal, hooks.signal]) : limit.signal;
      const task: WorkerTask = { origin: check.origin, name: check.spec.name, options: { ...options, seed }, port: port2 };
      try {
        result = (await tinypool.run(task, { signal, transferList: [port2] })) as CheckResult;
      } catch (error) {
        if (hooks.signal?.aborted) return; // interrupted: the check did not finish, so it is not reported
        const ms = performance.now() - started;
        result = limit.signal.aborted
          ? errorResult(check.spec.name, seed, `timed out after ${timeoutSeconds} s (--timeout)`, ms)
          : errorResult(check.spec.name, seed, `the worker running the check failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, ms);
      } finally {
        clearTimeout(timer);
        port1.close();
      }
    }
    if (check.origin.kind === 'module') result.source = check.origin.display;
    results[i] = result;
    hooks.onCheckDone?.(result, done++, checks.length);
  };

  // Each lane (one check at a time, so in effect one worker) runs a contiguous block of the checks in order, then
  // takes checks from the end of the largest block left: neighbouring checks share code (a catalog section, a
  // module), which a worker then loads and optimizes once instead of every worker doing it for every section.
  const blocks = Array.from({ length: threads }, (_, k) => ({
    next: Math.floor((k * checks.length) / threads),
    end: Math.floor(((k + 1) * checks.length) / threads),
  }));
  const take = (k: number): number | undefined => {
    const own = blocks[k];
    if (own.next < own.end) return own.next++;
    let largest = own;
    for (const b of blocks) if (b.end - b.next > largest.end - largest.next) largest = b;
    return largest.next < largest.end ? --largest.end : undefined;
  };
  const lane = async (k: number): Promise<void> => {
    for (let i = take(k); i !== undefined && !hooks.signal?.aborted; i = take(k)) {
      hooks.onCheckStart?.(checks[i], i, checks.length);
      await runOne(i);
    }
  };
  try {
    await Promise.all(Array.from({ length: threads }, (_, k) => lane(k)));
  } finally {
    await tinypool.destroy();
  }
  return results.filter((r): r is CheckResult => r !== undefined);
}
