import type fc from 'fast-check';
import { inputSet, isConstantInput, type InputDecl } from '../arbitraries/input-set.js';
import type { CheckSpec, NamedTensors } from '../check/types.js';
import { describeValue, isTensor, toTensor, type Tensor, type TensorLike } from '../tensor/index.js';
import type { UserSpec } from './types.js';
import { isArbitrary, validateSpec } from './validate.js';

/** Converts what a user's arbitrary produced into named tensors, or throws a TypeError naming the culprit. */
function namedTensors(specName: string, value: unknown): NamedTensors {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`spec "${specName}": inputs arbitrary produced ${describeValue(value)}, expected a record of named tensors`);
  }
  const out: NamedTensors = {};
  for (const [name, v] of Object.entries(value)) {
    if (isTensor(v) && v.data instanceof Float64Array) {
      out[name] = v;
      continue;
    }
    try {
      out[name] = toTensor(v as TensorLike);
    } catch {
      throw new TypeError(`spec "${specName}": inputs arbitrary produced ${describeValue(v)} for "${name}", expected a Tensor, number, number[], number[][] or Matrix`);
    }
  }
  return out;
}

/** Turns a user spec (declared by shape, or with an arbitrary of inputs) into a CheckSpec; validates it first. */
export function compileSpec(value: UserSpec, options: { where?: string; label?: string } = {}): CheckSpec {
  const spec = validateSpec(value, options);
  let inputs: fc.Arbitrary<NamedTensors>;
  let wrt: readonly string[] | undefined = spec.wrt;
  if (isArbitrary(spec.inputs)) {
    const name = spec.name;
    inputs = (spec.inputs as fc.Arbitrary<unknown>).map((v) => namedTensors(name, v));
  } else {
    const decls = spec.inputs as Record<string, InputDecl>;
    inputs = inputSet({ dims: 'dims' in spec ? spec.dims : undefined, inputs: decls }) as fc.Arbitrary<Record<string, Tensor>>;
    wrt ??= Object.keys(decls).filter((n) => !isConstantInput(decls[n]));
  }
  const compiled: CheckSpec = { name: spec.name, inputs, f: spec.f as CheckSpec['f'] };
  if (wrt) compiled.wrt = [...wrt];
  for (const k of ['jacobian', 'gradient', 'vjp', 'jvp'] as const) {
    if (spec[k]) (compiled as unknown as Record<string, unknown>)[k] = spec[k];
  }
  if (spec.tolerance) compiled.tolerance = { ...spec.tolerance };
  if (spec.precision) compiled.precision = spec.precision;
  return compiled;
}
