import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// CI asks for a JSON copy of the results (read by .ci/run) beside the usual console output.
const jsonFile = process.env.GRADPROOF_VITEST_JSON;
const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  // The package's own entries resolve to the sources, so tests never run a stale dist/.
  resolve: {
    alias: [
      { find: /^gradproof$/, replacement: src('index.ts') },
      { find: /^gradproof\/vitest$/, replacement: src('vitest/index.ts') },
      { find: /^gradproof\/arbitraries$/, replacement: src('arbitraries/index.ts') },
    ],
  },
  test: {
    include: ['src/**/*.test.ts', 'properties/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts', 'fixtures/**/*.test.ts'],
    testTimeout: 120_000,
    reporters: jsonFile ? ['default', 'json'] : ['default'],
    outputFile: jsonFile ? { json: jsonFile } : undefined,
  },
});
