import type { CheckSpec, HintKind, NamedTensors } from '../check/types.js';

/** A deliberately wrong variant of a catalog entry that the harness must flag. */
export interface Mutant<I extends NamedTensors = NamedTensors> {
  /** Short id, e.g. 'transposed'. */
  name: string;
  /** The mistake, in words. */
  description: string;
  /** The entry's spec with the wrong derivative. */
  spec: CheckSpec<I>;
  /** Hints the diagnosis should give at the shrunk counterexample, where one clearly applies. */
  expectedHints?: HintKind[];
  /** The shapes where the mistake shows, in words (e.g. 'n > 5'), for a bug that hides at other shapes. */
  onlyWhen?: string;
  /** The largest dimension a shrunk counterexample needs to show the mistake. @defaultValue 2 */
  maxShrunkDim?: number;
}

/** One definition or example of the source document, as a check plus its wrong variants. */
export interface CatalogEntry<I extends NamedTensors = NamedTensors> {
  /** Part of the source document it proves, e.g. 'Example 1'. */
  section: string;
  /** What the check states, in words. */
  title: string;
  spec: CheckSpec<I>;
  mutants: Mutant<I>[];
}

/** How the catalog's input arbitraries are sized. */
export interface CatalogOptions {
  /** Largest random dimension (smallest is 1). Shape-dependent mutants need at least 6. @defaultValue 8 */
  maxDim?: number;
}

/** The largest random dimension for the given options. */
export function maxDimOf(options: CatalogOptions = {}): number {
  const d = options.maxDim ?? 8;
  if (!(Number.isInteger(d) && d >= 6)) throw new RangeError(`gradproof catalog: maxDim ${d} must be a whole number ≥ 6 (shape-dependent mutants need n > 5)`);
  return d;
}

/** What a mutant adds to the wrong spec: its hints and the shapes where it shows. */
export interface MutantOptions {
  /** @see Mutant.expectedHints */
  hints?: HintKind[];
  /** @see Mutant.onlyWhen */
  onlyWhen?: string;
  /** @see Mutant.maxShrunkDim */
  maxShrunkDim?: number;
}

/** Builds a mutant from an entry's spec by replacing fields (usually the derivative). */
export function mutant<I extends NamedTensors>(
  spec: CheckSpec<I>,
  name: string,
  description: string,
  overrides: Partial<CheckSpec<I>>,
  options: MutantOptions = {},
): Mutant<I> {
  const m: Mutant<I> = { name, description, spec: { ...spec, name: `${spec.name} [mutant: ${name}]`, ...overrides } };
  if (options.hints) m.expectedHints = options.hints;
  if (options.onlyWhen) m.onlyWhen = options.onlyWhen;
  if (options.maxShrunkDim !== undefined) m.maxShrunkDim = options.maxShrunkDim;
  return m;
}

/** Forgets an entry's input type, so entries with different inputs fit in one list. */
export function erase<I extends NamedTensors>(entry: CatalogEntry<I>): CatalogEntry {
  return entry as unknown as CatalogEntry;
}
