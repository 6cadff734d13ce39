import { availableParallelism } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import type { CheckResult } from '../property/index.js';
import type { WorkerTask } from './check-worker.js';
import { startWorkers, type StartedWorkers } from './worker-pool.js';
import { assertModeAvailable, errorResult, randomSeed, runCheck, type PreparedCheck, type RunCheckOptions, type RunHooks } from './run-checks.js';

/** How checks are spread over worker threads. */
export interface PoolOptions {
  /** Worker threads. @defaultValue the available cores */
  workers?: number;
  /** Time limit per check, in seconds, counted from when the worker has loaded it. @defaultValue 60 */
  timeoutSeconds?: number;
  /** Threads started beforehand (startWorkers), which this run takes over and ends; `workers` is then ignored. */
  started?: StartedWorkers;
}

/**
 * Hands out the indices 0..n-1 to `lanes` lanes (one check at a time each, so in effect one worker each): lane k
 * first takes its own contiguous block in order, then the last index of the largest block left; undefined when
 * none is left. Neighbouring checks share code (a catalog section, a module), which a worker then loads and
 * optimizes once, instead of every worker doing so for every section.
 */
export function dispenser(n: number, lanes: number): (lane: number) => number | undefined {
  const blocks = Array.from({ length: lanes }, (_, k) => ({ next: Math.floor((k * n) / lanes), end: Math.floor(((k + 1) * n) / lanes) }));
  return (lane) => {
    const own = blocks[lane];
    if (own.next < own.end) return own.next++;
    let largest = own;
    for (const b of blocks) if (b.end - b.next > largest.end - largest.next) largest = b;
    return largest.next < largest.end ? --largest.end : undefined;
  };
}

/** Runs checks in worker threads, each with a time limit: a check that exceeds it (or whose worker dies) gets an `error` result and the others run on. */
export async function runChecksInWorkers(
  checks: readonly PreparedCheck[],
  options: RunCheckOptions = {},
  hooks: RunHooks = {},
  pool: PoolOptions = {},
): Promise<CheckResult[]> {
  try {
    assertModeAvailable(options.mode);
  } catch (error) {
    await pool.started?.destroy();
    throw error;
  }
  const timeoutSeconds = pool.timeoutSeconds ?? 60;
  const threads = Math.max(1, Math.min(pool.started?.threads ?? pool.workers ?? availableParallelism(), checks.length));
  // The threads start at once (each loading gradproof while the main thread goes on), unless no check needs one.
  const workers = pool.started ?? startWorkers(threads, checks.some((c) => c.origin.kind !== 'inline') ? threads : 0);
  const tinypool = workers.pool;
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

  const take = dispenser(checks.length, threads);
  const lane = async (k: number): Promise<void> => {
    for (let i = take(k); i !== undefined && !hooks.signal?.aborted; i = take(k)) {
      hooks.onCheckStart?.(checks[i], i, checks.length);
      await runOne(i);
    }
  };
  try {
    await Promise.all(Array.from({ length: threads }, (_, k) => lane(k)));
  } finally {
    await workers.destroy();
  }
  return results.filter((r): r is CheckResult => r !== undefined);
}
