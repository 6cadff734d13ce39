export * from './any-tensor.js';
export * from './input-set.js';
export * from './invertible-matrix.js';
export * from './one-hot.js';
export * from './shape.js';
export * from './tensor.js';
export * from './network.js';
export * from './sized.js';
