export * from './check-gradient.js';
export * from './prepare.js';
export * from './run-checks.js';
