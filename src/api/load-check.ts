import type { CheckSpec } from '../check/types.js';
import { ModuleLoadError } from '../spec/spec-error.js';
import type { UserSpec } from '../spec/types.js';
import type { CheckOrigin } from './run-checks.js';

/** Loads the spec an origin points at, afresh (as a worker thread would); throws when it is gone. */
export async function loadCheck(origin: CheckOrigin): Promise<CheckSpec> {
  if (origin.kind === 'catalog') {
    // Imported here, so that a worker loading a user's module does not load the whole catalog.
    const { catalog } = await import('../catalog/index.js');
    const entry = catalog.find((e) => e.spec.name === origin.name);
    if (!entry) throw new ModuleLoadError(`gradproof: the catalog has no check named "${origin.name}"`);
    return entry.spec as unknown as CheckSpec;
  }
  if (origin.kind === 'inline') throw new ModuleLoadError('gradproof: an inline spec cannot be loaded again; pass it directly');
  // Imported here, so that a worker running catalog checks does not load the spec compiler (zod) and tsx.
  const [{ compileSpec }, { atExportPath, importModule }] = await Promise.all([import('../spec/compile.js'), import('../spec/load-module.js')]);
  const ns = await importModule(origin.file);
  const value = atExportPath(ns, origin.exportPath);
  if (value === undefined) throw new ModuleLoadError(`gradproof: ${origin.display} no longer exports ${origin.exportPath}`);
  return compileSpec(value as UserSpec, { where: origin.display, label: `${origin.exportPath} export` });
}
