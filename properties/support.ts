import { afterAll, describe, expect, test } from 'vitest';
import type { CatalogEntry, Mutant } from '../src/catalog/index.js';
import { checkOnce, type CheckSpec, type NamedTensors, type Verdict } from '../src/check/index.js';
import { runProperty, type CheckResult } from '../src/property/index.js';
import { formatShape, type Tensor } from '../src/tensor/index.js';

// Shared by the property suites: each runs one part of the source document's catalog with a seed that is printed,
// so that any failure replays with GRADPROOF_SEED=<seed>.

function suiteSeed(): number {
  const fromEnv = process.env.GRADPROOF_SEED;
  if (fromEnv !== undefined && fromEnv !== '') {
    const s = Number(fromEnv);
    if (!Number.isInteger(s)) throw new Error(`GRADPROOF_SEED must be an integer, got "${fromEnv}"`);
    return s;
  }
  return (Date.now() ^ (Math.random() * 0x100000000)) | 0;
}

/** The fast-check seed of this test file: GRADPROOF_SEED when set, else random. */
export const seed = suiteSeed();

/** Random inputs per property: the default of runProperty and of `gradproof catalog`. */
export const RUNS = 100;

/** The shapes of a counterexample's inputs, e.g. "W[1, 2] x[2]". */
export function shapeOf(result: CheckResult): string {
  const inputs = result.counterexample?.inputs ?? {};
  return Object.entries(inputs)
    .map(([name, t]) => `${name}${formatShape(t.shape)}`)
    .join(' ');
}

/** The largest dimension among a counterexample's inputs (1 for scalars only). */
export function largestDim(result: CheckResult): number {
  const inputs = result.counterexample?.inputs ?? {};
  return Math.max(1, ...Object.values(inputs).flatMap((t) => t.shape));
}

/** How to replay a result, for assertion messages. */
export function replay(result: CheckResult): string {
  return `seed ${result.seed}${result.path ? `, path "${result.path}"` : ''} (replay: GRADPROOF_SEED=${result.seed})`;
}

/** Asserts that the entry's correct derivative passes on RUNS random inputs, with no false alarm. */
export function expectPasses(spec: CheckSpec, runs = RUNS): CheckResult {
  const r = runProperty(spec, { runs, seed });
  const where = r.counterexample ? ` at ${shapeOf(r)}: ${r.counterexample.entries[0] ? JSON.stringify(r.counterexample.entries[0]) : ''}` : '';
  expect(r.status, `${spec.name}: false alarm, ${r.status}${r.message ? ` (${r.message})` : ''}${where}; ${replay(r)}`).toBe('pass');
  expect(r.runs - r.skipped, `${spec.name}: ${r.runs - r.skipped} smooth inputs checked`).toBe(runs);
  return r;
}

/** Asserts that a mutant is flagged `fail` within RUNS random inputs and shrinks to a small counterexample. */
export function expectCaught(m: Mutant, runs = RUNS): CheckResult {
  const r = runProperty(m.spec, { runs, seed });
  expect(r.status, `${m.spec.name} (${m.description}) was not caught: ${r.status}${r.message ? ` (${r.message})` : ''}; ${replay(r)}`).toBe('fail');
  const bound = m.maxShrunkDim ?? 2;
  expect(largestDim(r), `${m.spec.name} shrank to ${shapeOf(r)}, larger than dimension ${bound}; ${replay(r)}`).toBeLessThanOrEqual(bound);
  return r;
}

/** Checks one spec at one input (for the hand-computed cross-checks). */
export function checkAt<I extends NamedTensors>(spec: CheckSpec<I>, inputs: I): Verdict {
  return checkOnce(spec, inputs);
}

/** The derivative a spec gives at one input, for the named input (jacobian or gradient form). */
export function derivativeAt<I extends NamedTensors>(spec: CheckSpec<I>, inputs: I, name: string): Tensor {
  const res = (spec.jacobian ?? spec.gradient)!(inputs) as Record<string, Tensor> | Tensor;
  return 'data' in res && res.data instanceof Float64Array ? (res as Tensor) : (res as Record<string, Tensor>)[name];
}

/**
 * One describe block per catalog entry: its correct spec passes over RUNS random inputs, and every mutant is caught
 * and shrunk; a line per mutant with the shrunk shape is printed at the end.
 */
export function describeCatalog(part: string, entries: readonly CatalogEntry[], runs = RUNS): void {
  const shrunk: string[] = [];
  describe(`${part} (seed ${seed})`, () => {
    for (const entry of entries) {
      describe(entry.spec.name, () => {
        test(`passes on ${runs} random inputs: ${entry.title}`, () => {
          expectPasses(entry.spec, runs);
        });
        for (const m of entry.mutants) {
          test(`catches the mutant "${m.name}" (${m.description})${m.onlyWhen ? ` [only when ${m.onlyWhen}]` : ''} and shrinks it`, () => {
            const r = expectCaught(m, runs);
            shrunk.push(`  ${m.spec.name}: shrunk to ${shapeOf(r)} after ${r.shrinks ?? 0} shrinks${r.hints.length ? `, hints ${r.hints.join(', ')}` : ''}`);
          });
        }
      });
    }
  });
  afterAll(() => {
    if (shrunk.length > 0) console.log(`${part}, seed ${seed} — mutants caught:\n${shrunk.join('\n')}`);
  });
}
