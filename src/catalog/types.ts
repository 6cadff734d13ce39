import type { CheckSpec, NamedTensors } from '../check/types.js';

/** A deliberately wrong variant of a catalog entry that the harness must flag. */
export interface Mutant<I extends NamedTensors = NamedTensors> {
  /** Short id, e.g. 'transposed'. */
  name: string;
  /** The mistake, in words. */
  description: string;
  /** The entry's spec with the wrong derivative. */
  spec: CheckSpec<I>;
  /** Hints the diagnosis should give, where one applies. */
  expectedHints?: string[];
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

/** Builds a mutant from an entry's spec by replacing fields (usually the derivative). */
export function mutant<I extends NamedTensors>(
  spec: CheckSpec<I>,
  name: string,
  description: string,
  overrides: Partial<CheckSpec<I>>,
  expectedHints?: string[],
): Mutant<I> {
  const m: Mutant<I> = { name, description, spec: { ...spec, name: `${spec.name} [mutant: ${name}]`, ...overrides } };
  if (expectedHints) m.expectedHints = expectedHints;
  return m;
}
