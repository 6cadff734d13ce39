export * from './central-difference.js';
export * from './jacobian.js';
export * from './noise.js';
export * from './richardson.js';
export * from './step.js';
export * from './direction-noise.js';
