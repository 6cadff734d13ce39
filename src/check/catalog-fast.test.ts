import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { catalog } from '../catalog/index.js';
import { checkOnce } from './check-once.js';

describe('fast mode on the catalog', () => {
  for (const entry of catalog) {
    for (const mutant of entry.mutants) {
      test(`flags ${mutant.spec.name} wherever full mode finds it wrong by more than fast mode's stated size`, () => {
        let wrong = 0;
        fc.assert(
          fc.property(mutant.spec.inputs, (inp) => {
            const full = checkOnce(mutant.spec, inp);
            fc.pre(full.status !== 'nondifferentiable' && full.kinks === 0);
            if (full.status !== 'fail') return;
            const stated = checkOnce(entry.spec, inp, { mode: 'fast' });
            fc.pre(stated.status === 'pass');
            const scale = Math.max(0, ...full.jacobians.flatMap((p) => Array.from(p.numeric.data, Math.abs)));
            const size = Math.max(0, ...full.jacobians.flatMap((p) => Array.from(p.analytic.data, (a, k) => Math.abs(a - p.numeric.data[k]))));
            // A shape mismatch fails without Jacobians: fast mode must fail it too.
            if (full.jacobians.length > 0 && !(size > stated.sensitivity! * scale)) return;
            wrong++;
            const fast = checkOnce(mutant.spec, inp, { mode: 'fast' });
            expect(fast.status, fast.message).toBe('fail');
          }),
          { numRuns: 40, seed: 6 },
        );
        expect(wrong).toBeGreaterThan(0);
      });
    }
  }
});
