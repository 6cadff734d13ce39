import { example1 } from './example-1.js';
import type { CatalogEntry } from './types.js';

export * from './types.js';

/** Every definition and example of the source document, in the document's order. */
export const catalog: CatalogEntry[] = [example1 as unknown as CatalogEntry];
