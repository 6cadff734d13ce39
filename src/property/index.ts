export * from './run-property.js';
export * from './types.js';
