// The entry of gradproof's worker threads: in a source checkout it runs the TypeScript sources through tsx
// (registered inside the worker), in an installed package the build in dist/.
import { existsSync } from 'node:fs';

const source = new URL('../src/api/check-worker.ts', import.meta.url);
let worker;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  worker = await import(source.href);
} else {
  worker = await import('../dist/api/check-worker.js');
}
export default worker.default;
