import { defineConfig } from 'vitest/config';

// CI asks for a JSON copy of the results (read by .ci/run) beside the usual console output.
const jsonFile = process.env.GRADPROOF_VITEST_JSON;

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'properties/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 120_000,
    reporters: jsonFile ? ['default', 'json'] : ['default'],
    outputFile: jsonFile ? { json: jsonFile } : undefined,
  },
});
