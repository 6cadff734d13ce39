// The entry of gradproof's worker threads when the pool runs from the TypeScript sources (a pool running from
// dist/ starts dist/api/check-worker.js directly): the build in dist/ when it is a fresh build of src/ (see
// dist-fresh.mjs; GRADPROOF_TSX=1 forces tsx) or there is no src/, else the sources through tsx, registered
// inside the worker.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { distIsFresh } from './dist-fresh.mjs';

const source = new URL('../src/api/check-worker.ts', import.meta.url);
let worker;
if (existsSync(source) && (process.env.GRADPROOF_TSX === '1' || !distIsFresh(fileURLToPath(new URL('..', import.meta.url))))) {
  const { register } = await import('tsx/esm/api');
  register();
  worker = await import(source.href);
} else {
  worker = await import('../dist/api/check-worker.js');
}
export default worker.default;
