export * from './console.js';
export * from './json.js';
export * from './model.js';
export * from './write-atomic.js';
