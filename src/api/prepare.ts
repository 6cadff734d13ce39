import { catalog } from '../catalog/index.js';
import { compileSpec } from '../spec/compile.js';
import { atExportPath, importModule, loadSpecModule } from '../spec/load-module.js';
import { ModuleLoadError, SpecError } from '../spec/spec-error.js';
import type { UserSpec } from '../spec/types.js';
import { specLabel } from '../spec/validate.js';
import type { CheckOrigin, PreparedCheck } from './run-checks.js';
import type { CheckSpec } from '../check/types.js';

/** The checks of some spec modules, and the invalid specs found among them (all are reported, none is run). */
export interface PreparedModules {
  checks: PreparedCheck[];
  errors: SpecError[];
}

/** Loads spec modules and compiles their specs; throws a ModuleLoadError when a module cannot be loaded. */
export async function prepareModules(paths: readonly string[], cwd: string = process.cwd()): Promise<PreparedModules> {
  const checks: PreparedCheck[] = [];
  const errors: SpecError[] = [];
  const byName = new Map<string, string>();
  for (const path of paths) {
    const mod = await loadSpecModule(path, cwd);
    for (const found of mod.specs) {
      const label = `${found.exportPath} export`;
      try {
        const spec = compileSpec(found.value as UserSpec, { where: mod.display, label });
        const earlier = byName.get(spec.name);
        if (earlier !== undefined) {
          throw new SpecError(specLabel(found.value, label), [`its name is already used by a spec in ${earlier}; names must be unique`], mod.display);
        }
        byName.set(spec.name, mod.display);
        checks.push({ spec, origin: { kind: 'module', file: mod.file, display: mod.display, exportPath: found.exportPath } });
      } catch (e) {
        if (e instanceof SpecError) errors.push(e);
        else throw e;
      }
    }
  }
  return { checks, errors };
}

/** The catalog's checks (every definition and example of the source document). */
export function prepareCatalog(): PreparedCheck[] {
  return catalog.map((e) => ({ spec: e.spec as unknown as CheckSpec, origin: { kind: 'catalog', name: e.spec.name } }));
}

/** Loads the spec an origin points at, afresh (as a worker thread would); throws when it is gone. */
export async function loadCheck(origin: CheckOrigin): Promise<CheckSpec> {
  if (origin.kind === 'catalog') {
    const entry = catalog.find((e) => e.spec.name === origin.name);
    if (!entry) throw new ModuleLoadError(`gradproof: the catalog has no check named "${origin.name}"`);
    return entry.spec as unknown as CheckSpec;
  }
  if (origin.kind === 'inline') throw new ModuleLoadError('gradproof: an inline spec cannot be loaded again; pass it directly');
  const ns = await importModule(origin.file);
  const value = atExportPath(ns, origin.exportPath);
  if (value === undefined) throw new ModuleLoadError(`gradproof: ${origin.display} no longer exports ${origin.exportPath}`);
  return compileSpec(value as UserSpec, { where: origin.display, label: `${origin.exportPath} export` });
}
