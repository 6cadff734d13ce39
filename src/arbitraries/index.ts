export * from './tensor.js';
export * from './network.js';
export * from './sized.js';
