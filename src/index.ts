export * from './tensor/index.js';
export * from './fd/index.js';
export * from './check/index.js';
export { diagnose } from './diagnose/index.js';
export * from './api/index.js';
export { compileSpec, defineCheck, ModuleLoadError, SpecError, specProblems, validateSpec } from './spec/index.js';
export type { ArbitrarySpec, DeclaredSpec, UserSpec } from './spec/index.js';
export type { CheckResult, Counterexample, JsonTensor, RunOptions } from './property/index.js';
export type { DimDecl, InputDecl, InputOptions, ShapeDecl } from './arbitraries/index.js';
