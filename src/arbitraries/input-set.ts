import fc from 'fast-check';
import type { Tensor } from '../tensor/index.js';
import { oneHotTensor } from './one-hot.js';
import { dim, tensorOf } from './tensor.js';

/** A dimension: a fixed length, or an inclusive [min, max] range drawn per run (shrinking toward min). */
export type DimDecl = number | readonly [number, number];

/** A shape by dimension names (from `dims`) or literal lengths, e.g. ['m', 'n'] or ['n', 3]. */
export type ShapeDecl = readonly (string | number)[];

/** One named input: a shape, or a shape with options. */
export type InputDecl = ShapeDecl | InputOptions;

/** An input declared by shape, with options for its values. */
export interface InputOptions {
  shape: ShapeDecl;
  /** Inclusive range of the values. @defaultValue [-3, 3] */
  range?: readonly [number, number];
  /** Rows along the last axis are one-hot labels; the input is held constant. @defaultValue false */
  oneHot?: boolean;
  /** Held constant: never differentiated (like labels). @defaultValue false, true for oneHot */
  constant?: boolean;
  /** Keep every value at least `margin` away from these points (kinks, e.g. [0] for ReLU). @defaultValue none */
  awayFrom?: readonly number[];
  /** Distance kept from the `awayFrom` points. @defaultValue 1e-3 */
  margin?: number;
}

/** The declarations of a named input set: dimensions and inputs. */
export interface InputSetDecl {
  /** Named dimensions, e.g. { m: [1, 8], n: [1, 8] }. @defaultValue {} */
  dims?: Record<string, DimDecl>;
  /** Named inputs by shape, e.g. { W: ['m', 'n'], x: { shape: ['n'], range: [-2, 2] } }. */
  inputs: Record<string, InputDecl>;
}

/** A declaration in its long form. */
export function inputOptions(decl: InputDecl): InputOptions {
  return Array.isArray(decl) ? { shape: decl as ShapeDecl } : (decl as InputOptions);
}

/** The [min, max] range of a dimension declaration. */
export function dimRange(decl: DimDecl): readonly [number, number] {
  return typeof decl === 'number' ? [decl, decl] : decl;
}

/** True when an input is held constant (one-hot labels, or marked constant). */
export function isConstantInput(decl: InputDecl): boolean {
  const o = inputOptions(decl);
  return o.oneHot === true || o.constant === true;
}

/**
 * What is wrong with an input set declaration, one "field problem" line each (empty when it is sound).
 * Checks the relations between fields; the shapes of the values themselves are assumed to be right.
 */
export function inputSetProblems(decl: InputSetDecl): string[] {
  const problems: string[] = [];
  const dims = decl.dims ?? {};
  const dimNames = Object.keys(dims);
  for (const [name, d] of Object.entries(dims)) {
    const [min, max] = dimRange(d);
    if (min > max) problems.push(`dims.${name} has min ${min} > max ${max}`);
  }
  for (const [name, d] of Object.entries(decl.inputs)) {
    const o = inputOptions(d);
    o.shape.forEach((axis, i) => {
      if (typeof axis === 'string' && !(axis in dims)) {
        problems.push(`inputs.${name}.shape[${i}] names dimension "${axis}", which is not in dims${dimNames.length ? ` (${dimNames.join(', ')})` : ' (none declared)'}`);
      }
    });
    if (o.range && o.range[0] > o.range[1]) problems.push(`inputs.${name}.range has min ${o.range[0]} > max ${o.range[1]}`);
    if (o.oneHot) {
      if (o.range) problems.push(`inputs.${name} sets both oneHot and range; one-hot values are 0 and 1`);
      if (o.awayFrom) problems.push(`inputs.${name} sets both oneHot and awayFrom; one-hot values are 0 and 1`);
      if (o.constant === false) problems.push(`inputs.${name} sets oneHot with constant: false; one-hot labels are always held constant`);
      const last = o.shape[o.shape.length - 1];
      if (last === undefined) problems.push(`inputs.${name} is oneHot but has shape []; it needs at least one axis`);
      else {
        const lastMin = typeof last === 'number' ? last : last in dims ? dimRange(dims[last])[0] : 1;
        if (lastMin < 1) problems.push(`inputs.${name} is oneHot, so its last axis needs length ≥ 1, but it may be ${lastMin}`);
      }
    }
    if (o.awayFrom && o.range) {
      const [min, max] = o.range;
      const margin = o.margin ?? 1e-3;
      if (o.awayFrom.some((k) => k - margin <= min && k + margin >= max)) {
        problems.push(`inputs.${name}.awayFrom leaves no room in range [${min}, ${max}]`);
      }
    }
  }
  return problems;
}

/**
 * Named input tensors drawn together: dimensions first (one draw per run, shrinking toward their minimum),
 * then each input's values. Throws a RangeError naming every problem of the declaration.
 */
export function inputSet(decl: InputSetDecl): fc.Arbitrary<Record<string, Tensor>> {
  const problems = inputSetProblems(decl);
  if (problems.length > 0) throw new RangeError(`gradproof inputSet: ${problems.join('; ')}`);
  const dimArbs: Record<string, fc.Arbitrary<number>> = {};
  for (const [name, d] of Object.entries(decl.dims ?? {})) {
    const [min, max] = dimRange(d);
    dimArbs[name] = dim(min, max);
  }
  return fc.record(dimArbs).chain((sizes) => {
    const arbs: Record<string, fc.Arbitrary<Tensor>> = {};
    for (const [name, d] of Object.entries(decl.inputs)) {
      const o = inputOptions(d);
      const shape = o.shape.map((axis) => (typeof axis === 'number' ? axis : sizes[axis]));
      arbs[name] = o.oneHot
        ? oneHotTensor(shape)
        : tensorOf(shape, { min: o.range?.[0], max: o.range?.[1], awayFrom: o.awayFrom, margin: o.margin });
    }
    return fc.record(arbs);
  });
}
