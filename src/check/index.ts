export * from './analytic.js';
export * from './check-once.js';
export * from './types.js';
export { UserCodeError } from './user-call.js';
export { gradientSpec, secondOrderCheck } from './second-order.js';
