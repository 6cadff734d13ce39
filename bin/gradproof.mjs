#!/usr/bin/env node
// In a source checkout, run the TypeScript sources through tsx, unless dist/ is a fresh build of them (see
// dist-fresh.mjs; GRADPROOF_TSX=1 forces tsx); in an installed package, the build in dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { distIsFresh } from './dist-fresh.mjs';

// A reader that stops early (`gradproof catalog --list | head`) closes the pipe: the rest of the output is
// dropped quietly, and the run goes on to write its reports and set its exit code.
process.stdout.on('error', (error) => {
  if (error.code !== 'EPIPE') throw error;
  process.stdout.write = () => true;
});

const source = new URL('../src/cli/main.ts', import.meta.url);
let main;
if (existsSync(source) && (process.env.GRADPROOF_TSX === '1' || !distIsFresh(fileURLToPath(new URL('..', import.meta.url))))) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(source.href));
} else {
  ({ main } = await import('../dist/cli/main.js'));
}
process.exitCode = await main(process.argv.slice(2));
