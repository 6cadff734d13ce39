import { describe, expect, test } from 'vitest';
import { prepareCatalog } from './prepare.js';
import { dispenser, runChecksInWorkers } from './run-pool.js';
import type { Mode } from './run-checks.js';
import { startWorkers } from './worker-pool.js';

/** Takes indices lane by lane in turn (as lanes finishing one check each in turn would) until none is left. */
function drain(n: number, lanes: number): number[][] {
  const take = dispenser(n, lanes);
  const got: number[][] = Array.from({ length: lanes }, () => []);
  for (let open = lanes, k = 0; open > 0; k = (k + 1) % lanes) {
    const i = take(k);
    if (i === undefined) open--;
    else got[k].push(i);
  }
  return got;
}

describe('dispenser', () => {
  test('one lane takes the checks in order', () => {
    expect(drain(5, 1)).toEqual([[0, 1, 2, 3, 4]]);
  });

  test('each lane starts on its own contiguous block', () => {
    expect(drain(9, 3)).toEqual([
      [0, 1, 2],
      [3, 4, 5],
      [6, 7, 8],
    ]);
  });

  test('a lane done with its block takes the last check of the largest block left', () => {
    const take = dispenser(10, 2); // blocks 0..4 and 5..9
    expect([take(0), take(0), take(0), take(0), take(0)]).toEqual([0, 1, 2, 3, 4]);
    expect(take(1)).toBe(5);
    expect(take(0)).toBe(9); // lane 1 still holds 6, 7, 8, 9
    expect(take(1)).toBe(6);
    expect(take(0)).toBe(8);
    expect(take(1)).toBe(7);
    expect(take(0)).toBeUndefined();
    expect(take(1)).toBeUndefined();
  });

  test.each([
    [0, 2],
    [1, 3],
    [7, 3],
    [22, 2],
  ])('every one of %i checks is handed out exactly once over %i lanes', (n, lanes) => {
    const all = drain(n, lanes).flat().sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: n }, (_, i) => i));
  });
});

describe('runChecksInWorkers', () => {
  test('runs catalog checks in worker threads and returns the results in the order of the checks', async () => {
    const checks = prepareCatalog().slice(0, 5);
    const results = await runChecksInWorkers(checks, { runs: 3, seed: 1 }, {}, { workers: 2 });
    expect(results.map((r) => r.name)).toEqual(checks.map((c) => c.spec.name));
    expect(results.map((r) => r.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass']);
  });

  test('takes over threads started beforehand, and ends them', async () => {
    const started = startWorkers(2);
    const checks = prepareCatalog().slice(0, 3);
    const results = await runChecksInWorkers(checks, { runs: 2, seed: 1 }, {}, { started });
    expect(results.map((r) => r.status)).toEqual(['pass', 'pass', 'pass']);
    expect(started.pool.threads.length).toBe(0);
  });

  test('ends threads started beforehand when the run is refused', async () => {
    const started = startWorkers(1);
    await expect(runChecksInWorkers(prepareCatalog().slice(0, 1), { mode: 'slow' as Mode }, {}, { started })).rejects.toThrow(/not available/);
    expect(started.pool.threads.length).toBe(0);
  });
});
