#!/usr/bin/env node
// In a source checkout, run the TypeScript sources through tsx, unless dist/ is a fresh build of them (see
// dist-fresh.mjs; GRADPROOF_TSX=1 forces tsx); in an installed package, the build in dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { distIsFresh } from './dist-fresh.mjs';

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
