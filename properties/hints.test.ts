import { describe, expect, test } from 'vitest';
import { catalog } from '../src/catalog/index.js';
import { runProperty } from '../src/property/index.js';
import { replay, seed, shapeOf } from './support.js';

// The hints each mutant's shrunk counterexample should get from src/diagnose (Mutant.expectedHints).
// enabled once src/diagnose lands
describe(`diagnosis hints at the shrunk counterexample (seed ${seed})`, () => {
  for (const entry of catalog) {
    for (const m of entry.mutants) {
      if (!m.expectedHints) continue;
      test(`${m.spec.name} gets the hints ${m.expectedHints.join(', ')}`, () => {
        const r = runProperty(m.spec, { seed });
        expect(r.status).toBe('fail');
        expect(r.hints, `hints at ${shapeOf(r)}; ${replay(r)}`).toEqual(expect.arrayContaining(m.expectedHints!));
      });
    }
  }
});
