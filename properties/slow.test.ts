import { describe, test } from 'vitest';
import { buildCatalog } from '../src/catalog/index.js';
import { describeCatalog } from './support.js';

// The whole catalog with dimensions from 1 to 16 (the default suites go to 8). Opt in: GRADPROOF_SLOW=1 npm test.
const MAX_DIM = 16;

if (process.env.GRADPROOF_SLOW === '1') {
  describeCatalog(`the whole catalog, dimensions 1 to ${MAX_DIM}`, buildCatalog({ maxDim: MAX_DIM }));
} else {
  describe.skip(`the whole catalog, dimensions 1 to ${MAX_DIM} (set GRADPROOF_SLOW=1)`, () => {
    test('skipped', () => {});
  });
}
