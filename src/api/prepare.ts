import { catalog } from '../catalog/index.js';
import { compileSpec } from '../spec/compile.js';
import { loadSpecModule } from '../spec/load-module.js';
import { ModuleLoadError, SpecError } from '../spec/spec-error.js';
import type { UserSpec } from '../spec/types.js';
import { specLabel } from '../spec/validate.js';
import type { PreparedCheck } from './run-checks.js';
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
  // The same file named twice (overlapping globs, ./a.ts and a.ts) is loaded once.
  const loaded = new Set<string>();
  for (const path of paths) {
    const mod = await loadSpecModule(path, cwd);
    if (loaded.has(mod.file)) continue;
    loaded.add(mod.file);
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

export { loadCheck } from './load-check.js';
