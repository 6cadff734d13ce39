import fc from 'fast-check';
import { dims as dimsOf, oneHot } from '../arbitraries/index.js';
import type { NamedTensors } from '../check/types.js';
import { tensor, type Tensor } from '../tensor/index.js';

/** One dimension of a declared shape: a name from `dims`, or a fixed size. */
export type TfjsDim = string | number;

/** An input declared by shape, with where its values come from. */
export interface TfjsInputOptions {
  /** The shape, by dimension names (drawn at random per run from `dims`) or fixed sizes. */
  shape: readonly TfjsDim[];
  /** Values are drawn from this inclusive range. @defaultValue [-3, 3] */
  range?: readonly [number, number];
  /** A one-hot vector (a label): held constant, never differentiated. @defaultValue false */
  oneHot?: boolean;
  /** Keep every value at least `margin` away from these points (kinks). @defaultValue none */
  awayFrom?: readonly number[];
  /** Distance kept from the `awayFrom` points. @defaultValue 1e-3 */
  margin?: number;
}

/** An input declaration: a bare shape, or a shape with options. */
export type TfjsInputDeclaration = readonly TfjsDim[] | TfjsInputOptions;

/** Inclusive integer ranges of named dimensions, e.g. `{ m: [1, 4] }`. */
export type TfjsDims = Record<string, readonly [number, number]>;

function optionsOf(decl: TfjsInputDeclaration): TfjsInputOptions {
  return Array.isArray(decl) ? { shape: decl as readonly TfjsDim[] } : (decl as TfjsInputOptions);
}

/** Names of the inputs declared one-hot (held constant). */
export function constantInputs(declarations: Record<string, TfjsInputDeclaration>): string[] {
  return Object.entries(declarations)
    .filter(([, d]) => optionsOf(d).oneHot === true)
    .map(([name]) => name);
}

/**
 * A float32 value drawn uniformly from a grid over [min, max] that shrinks toward 0 (or the bound nearest 0).
 * The grid spacing is 2^(⌈log2 max(|min|, |max|)⌉ − 23), so every value is exact in float32 and the values spread
 * over the range. (fc.double draws uniformly over bit patterns: nine in ten of its draws in [-3, 3] are below
 * 1e-3 in magnitude, and most of those round to 0 in float32.)
 */
export function float32Value(min: number, max: number, awayFrom: readonly number[] = [], margin = 1e-3): fc.Arbitrary<number> {
  const maxAbs = Math.max(Math.abs(min), Math.abs(max));
  if (maxAbs === 0) return fc.constant(0);
  const grid = 2 ** (Math.ceil(Math.log2(maxAbs)) - 23);
  const lo = Math.ceil(min / grid);
  const hi = Math.floor(max / grid);
  if (lo > hi) return fc.constant(Math.fround((min + max) / 2));
  return fc.integer({ min: lo, max: hi }).map((k) => {
    let v = k * grid;
    for (const p of awayFrom) {
      if (Math.abs(v - p) < margin) {
        const pushed = v >= p ? p + margin : p - margin;
        v = pushed > max ? p - margin : pushed < min ? p + margin : pushed;
      }
    }
    return Math.fround(v);
  });
}

/**
 * The fast-check arbitrary of named tensors that the declarations describe: dimensions drawn once per run,
 * values drawn per entry and rounded to float32. Throws a one-line error on an invalid declaration.
 */
export function declaredInputs(
  specName: string,
  dims: TfjsDims,
  declarations: Record<string, TfjsInputDeclaration>,
): fc.Arbitrary<NamedTensors> {
  const where = `gradproof/tfjs: spec "${specName}"`;
  for (const [name, [min, max]] of Object.entries(dims)) {
    if (!(Number.isInteger(min) && Number.isInteger(max) && min >= 0)) {
      throw new Error(`${where}: dims.${name} must be a range of whole numbers ≥ 0, got [${min}, ${max}]`);
    }
    if (min > max) throw new Error(`${where}: dims.${name} has min ${min} > max ${max}`);
  }
  const names = Object.keys(declarations);
  if (names.length === 0) throw new Error(`${where}: inputs declares no input`);
  for (const name of names) {
    const decl = declarations[name];
    if (typeof decl !== 'object' || decl === null) throw new Error(`${where}: input "${name}" must be a shape array or { shape, ... }`);
    const o = optionsOf(decl);
    if (!Array.isArray(o.shape)) throw new Error(`${where}: input "${name}" has no shape array`);
    for (const d of o.shape) {
      if (typeof d === 'string' ? !(d in dims) : !(Number.isInteger(d) && d >= 0)) {
        const known = Object.keys(dims);
        throw new Error(
          typeof d === 'string'
            ? `${where}: input "${name}" uses dimension "${d}", which dims does not declare (${known.length > 0 ? `dims: ${known.join(', ')}` : 'no dims given'})`
            : `${where}: input "${name}" has an invalid size ${String(d)} in its shape`,
        );
      }
    }
    if (o.range && !(Number.isFinite(o.range[0]) && Number.isFinite(o.range[1]) && o.range[0] <= o.range[1])) {
      throw new Error(`${where}: input "${name}" has range [${o.range[0]}, ${o.range[1]}]: need finite min ≤ max`);
    }
    if (o.oneHot && o.shape.length !== 1) throw new Error(`${where}: one-hot input "${name}" must have a shape of one dimension, got ${o.shape.length}`);
  }
  return dimsOf(dims).chain((sizes) => {
    const rec: Record<string, fc.Arbitrary<Tensor>> = {};
    for (const name of names) {
      const o = optionsOf(declarations[name]);
      const shape = o.shape.map((d) => (typeof d === 'string' ? sizes[d] : d));
      if (o.oneHot) {
        rec[name] = shape[0] >= 1 ? oneHot(shape[0]) : fc.constant(tensor([0], []));
        continue;
      }
      const n = shape.reduce((p, d) => p * d, 1);
      const values = float32Value(o.range?.[0] ?? -3, o.range?.[1] ?? 3, o.awayFrom ?? [], o.margin ?? 1e-3);
      rec[name] = fc.array(values, { minLength: n, maxLength: n }).map((xs) => tensor(shape, xs));
    }
    return fc.record(rec);
  });
}
