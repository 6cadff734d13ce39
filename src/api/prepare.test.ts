import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ModuleLoadError } from '../spec/spec-error.js';
import { loadCheck, prepareModules } from './prepare.js';

const fixtures = new URL('../../fixtures/', import.meta.url).pathname;

describe('prepareModules', () => {
  test('collects the default export array and the named exports that are specs, in order', async () => {
    const { checks, errors } = await prepareModules(['several.ts'], fixtures);
    expect(errors).toEqual([]);
    expect(checks.map((c) => c.spec.name)).toEqual(['softplus sum', 'sin of square, chain rule forgotten', 'log-sum-exp']);
    expect(checks.map((c) => (c.origin.kind === 'module' ? c.origin.exportPath : ''))).toEqual(['default[0]', 'default[1]', 'logSumExp']);
  });

  test('reports an invalid spec as a SpecError and a missing module as a ModuleLoadError', async () => {
    const { errors } = await prepareModules(['invalid-spec.ts'], fixtures);
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^gradproof: spec "dense layer" in invalid-spec\.ts: .*dims\.m has min 3 > max 1/),
    ]);
    await expect(prepareModules(['no-such-module.ts'], fixtures)).rejects.toThrow(new ModuleLoadError('gradproof: cannot load no-such-module.ts: no such file'));
  });

  test('refuses two specs with the same name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gradproof-'));
    const spec = `export default { name: 'twin', inputs: { x: [2] }, f: ({ x }) => x.data[0], gradient: () => [1, 0] };\n`;
    writeFileSync(join(dir, 'a.mjs'), spec);
    writeFileSync(join(dir, 'b.mjs'), spec);
    const { checks, errors } = await prepareModules(['a.mjs', 'b.mjs'], dir);
    expect(checks).toHaveLength(1);
    expect(errors.map((e) => e.message)).toEqual(['gradproof: spec "twin" in b.mjs: its name is already used by a spec in a.mjs; names must be unique']);
  });

  test('loads a file named twice (overlapping globs, ./ or not) once', async () => {
    const { checks, errors } = await prepareModules(['several.ts', './several.ts', 'several.ts'], fixtures);
    expect(errors).toEqual([]);
    expect(checks.map((c) => c.spec.name)).toEqual(['softplus sum', 'sin of square, chain rule forgotten', 'log-sum-exp']);
  });
});

describe('loadCheck', () => {
  test('loads the spec an origin points at afresh, as a worker thread would', async () => {
    const { checks } = await prepareModules(['several.ts'], fixtures);
    const again = await loadCheck(checks[2].origin);
    expect(again.name).toBe('log-sum-exp');
    expect(again.gradient).toBeTypeOf('function');
    const catalogSpec = await loadCheck({ kind: 'catalog', name: 'example-1/linear-map' });
    expect(catalogSpec.name).toBe('example-1/linear-map');
  });
});
