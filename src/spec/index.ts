export * from './compile.js';
export * from './load-module.js';
export * from './spec-error.js';
export * from './types.js';
export { isArbitrary, specProblems, validateSpec } from './validate.js';
