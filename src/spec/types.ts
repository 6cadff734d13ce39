import type { Arbitrary } from 'fast-check';
import type { DimDecl, InputDecl } from '../arbitraries/input-set.js';
import type { DerivativeForms, NamedTensors, Precision, Tolerance } from '../check/types.js';
import type { Tensor, TensorLike } from '../tensor/index.js';

/** Fields every user spec has, whatever the form of its inputs. */
interface SpecFields<I extends NamedTensors> extends DerivativeForms<I> {
  /** Name in reports and for --filter, e.g. 'dense layer'. */
  name: string;
  /** The function; returns a Tensor, a number, number[], number[][] or an ml-matrix Matrix. */
  f: (inputs: I) => TensorLike;
  /** Tolerances; missing fields take the precision's defaults (float64: atol 0, rtol 1e-7). */
  tolerance?: Partial<Tolerance>;
  /** The precision f computes in. @defaultValue 'float64' */
  precision?: Precision;
}

/** A spec whose inputs are declared by shape, with named dimensions drawn at random per run. */
export interface DeclaredSpec<K extends string = string> extends SpecFields<Record<K, Tensor>> {
  /** Named dimensions: a fixed length or an inclusive [min, max] range. @defaultValue {} */
  dims?: Record<string, DimDecl>;
  /** Inputs by name: a shape (dimension names or numbers), or { shape, range, oneHot, constant, awayFrom, margin }. */
  inputs: Record<K, InputDecl>;
  /** Inputs differentiated. @defaultValue every input not held constant */
  wrt?: readonly NoInfer<K>[];
}

/** A spec whose inputs come from a fast-check arbitrary of named tensors, for full control. */
export interface ArbitrarySpec<I extends NamedTensors = NamedTensors> extends SpecFields<I> {
  inputs: Arbitrary<I>;
  /** Inputs differentiated. @defaultValue every input */
  wrt?: readonly NoInfer<keyof I & string>[];
}

/** What a user's spec module exports: a plain object, no import needed. */
export type UserSpec = DeclaredSpec | ArbitrarySpec;

/** Returns the spec unchanged; it only gives editors the types (f's inputs are named after the declared inputs). */
export function defineCheck<K extends string>(spec: DeclaredSpec<K>): DeclaredSpec<K>;
export function defineCheck<I extends NamedTensors>(spec: ArbitrarySpec<I>): ArbitrarySpec<I>;
export function defineCheck(spec: UserSpec): UserSpec {
  return spec;
}
