export * from './tensor/index.js';
export * from './fd/index.js';
export * from './check/index.js';
export { diagnose } from './diagnose/index.js';
export { runProperty } from './property/index.js';
