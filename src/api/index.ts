export * from './check-gradient.js';
export * from './describe-result.js';
export * from './prepare.js';
export * from './run-checks.js';
