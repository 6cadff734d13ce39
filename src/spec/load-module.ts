import { existsSync, statSync } from 'node:fs';
import { extname, isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ModuleLoadError } from './spec-error.js';
import { show } from './describe.js';

/** File extensions a spec module may have. */
export const SPEC_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

/** A value a module exports that is (or is meant to be) a spec, with where it sits in the module. */
export interface FoundSpec {
  /** 'default', 'default[2]', 'denseLayer', 'layers[1]': enough to find the spec again after a fresh import. */
  exportPath: string;
  value: unknown;
}

/** A loaded spec module and the specs it exports, in export order (default first). */
export interface SpecModule {
  /** Absolute path. */
  file: string;
  /** The path as the user gave it (for messages and replay commands). */
  display: string;
  specs: FoundSpec[];
}

const DERIVATIVES = ['jacobian', 'gradient', 'vjp', 'jvp'];

/** True when a value looks like a spec (so a named export that holds one counts, and is then validated). */
export function looksLikeSpec(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return (keys.includes('f') || keys.includes('inputs')) && (keys.includes('name') || keys.some((k) => DERIVATIVES.includes(k)));
}

/** The first line of an error message, with the location esbuild reports when there is one. */
function firstLine(error: unknown): string {
  if (!(error instanceof Error)) return String(error).split('\n')[0];
  const lines = error.message.split('\n').map((l) => l.trim()).filter(Boolean);
  // esbuild: "Transform failed with 1 error:\n/path/x.ts:3:7: ERROR: Expected ..."
  const located = lines.find((l) => /:\d+:\d+: ERROR: /.test(l));
  if (located) return located.replace(/^.*?([^/\\]+:\d+:\d+): ERROR: /, '$1: ');
  return lines[0] ?? error.name;
}

/** Imports a module by path (TypeScript through tsx, no build step); the namespace of its exports. */
export async function importModule(file: string): Promise<Record<string, unknown>> {
  const { tsImport } = await import('tsx/esm/api');
  const ns = (await tsImport(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>;
  // A module tsx compiled as CommonJS arrives as { default: module.exports } with an __esModule marker.
  const inner = ns.default as Record<string, unknown> | undefined;
  if (inner && typeof inner === 'object' && inner.__esModule === true) return { ...inner };
  return ns;
}

/** The specs a module namespace exports: the default export (a spec or an array), then named exports that look like specs. */
export function findSpecs(ns: Record<string, unknown>, display: string): FoundSpec[] {
  const found: FoundSpec[] = [];
  const seen = new Set<unknown>();
  const add = (exportPath: string, value: unknown) => {
    if (typeof value === 'object' && value !== null && seen.has(value)) return;
    seen.add(value);
    found.push({ exportPath, value });
  };
  if ('default' in ns && ns.default !== undefined) {
    const d = ns.default;
    if (Array.isArray(d)) d.forEach((v, i) => add(`default[${i}]`, v));
    else if (typeof d === 'object' && d !== null) add('default', d);
    else throw new ModuleLoadError(`gradproof: ${display}: the default export is ${show(d)}, expected a spec or an array of specs`);
  }
  for (const [key, v] of Object.entries(ns)) {
    if (key === 'default' || key === '__esModule') continue;
    if (Array.isArray(v) && v.some(looksLikeSpec)) v.forEach((s, i) => add(`${key}[${i}]`, s));
    else if (looksLikeSpec(v)) add(key, v);
  }
  return found;
}

/** The value at an export path ('default', 'default[2]', 'layers[1]'), or undefined. */
export function atExportPath(ns: Record<string, unknown>, exportPath: string): unknown {
  const m = /^(.+?)(?:\[(\d+)\])?$/.exec(exportPath);
  if (!m) return undefined;
  const v = ns[m[1]];
  return m[2] === undefined ? v : Array.isArray(v) ? v[Number(m[2])] : undefined;
}

/** Resolves, imports and collects the specs of a user's module; throws a ModuleLoadError with one line on any failure. */
export async function loadSpecModule(path: string, cwd: string = process.cwd()): Promise<SpecModule> {
  const file = isAbsolute(path) ? path : resolve(cwd, path);
  const display = isAbsolute(path) ? relative(cwd, path) || path : path;
  if (!existsSync(file)) throw new ModuleLoadError(`gradproof: cannot load ${display}: no such file`);
  if (statSync(file).isDirectory()) throw new ModuleLoadError(`gradproof: cannot load ${display}: it is a directory, give spec module files`);
  if (!SPEC_EXTENSIONS.includes(extname(file))) {
    throw new ModuleLoadError(`gradproof: cannot load ${display}: expected a .ts, .mts, .js or .mjs module`);
  }
  let ns: Record<string, unknown>;
  try {
    ns = await importModule(file);
  } catch (error) {
    throw new ModuleLoadError(`gradproof: cannot load ${display}: ${firstLine(error)}`, { cause: error });
  }
  const specs = findSpecs(ns, display);
  if (specs.length === 0) {
    throw new ModuleLoadError(`gradproof: ${display} exports no specs (export default a spec or an array of specs)`);
  }
  return { file, display, specs };
}
