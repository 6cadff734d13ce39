import { definition1 } from './definition-1.js';
import { definition2 } from './definition-2.js';
import { definition3 } from './definition-3.js';
import { example1 } from './example-1.js';
import { example2 } from './example-2.js';
import { example3 } from './example-3.js';
import { example4 } from './example-4.js';
import { example5 } from './example-5.js';
import type { CatalogEntry, CatalogOptions } from './types.js';

export * from './types.js';
export { definition1, definition2, definition3, example1, example2, example3, example4, example5 };

/** Builds every entry of the source document, in the document's order, with inputs sized by `options`. */
export function buildCatalog(options: CatalogOptions = {}): CatalogEntry[] {
  return [definition1, definition2, definition3, example1, example2, example3, example4, example5].flatMap((section) => section(options));
}

/** Every definition and example of the source document, in the document's order (dimensions 1 to 8). */
export const catalog: CatalogEntry[] = buildCatalog();
