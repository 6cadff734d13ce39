// Worker threads for checks, which can be started before the checks are known, so that they load gradproof while
// the main thread loads the specs. Kept light (tinypool only): the CLI imports it before anything heavy.
import { availableParallelism } from 'node:os';
import Tinypool from 'tinypool';

// Compiled (dist/), the workers load the sibling build directly; from the sources, bin/gradproof-worker.mjs
// picks a fresh dist/ or tsx.
const WORKER_ENTRY = import.meta.url.endsWith('.js')
  ? new URL('./check-worker.js', import.meta.url).href
  : new URL('../../bin/gradproof-worker.mjs', import.meta.url).href;

/** Worker threads that have started loading; runChecksInWorkers takes them over (and ends them). */
export interface StartedWorkers {
  /** The most threads the pool runs at once. */
  readonly threads: number;
  readonly pool: Tinypool;
  /** Ends the threads (again: nothing). */
  destroy(): Promise<void>;
}

/** Starts a pool of up to `workers` threads (default: the available cores), of which `eager` start at once. */
export function startWorkers(workers: number = availableParallelism(), eager: number = workers): StartedWorkers {
  const threads = Math.max(1, workers);
  const pool = new Tinypool({ filename: WORKER_ENTRY, minThreads: Math.min(Math.max(0, eager), threads), maxThreads: threads, idleTimeout: 1000 });
  let ended: Promise<void> | undefined;
  return { threads, pool, destroy: () => (ended ??= pool.destroy()) };
}
