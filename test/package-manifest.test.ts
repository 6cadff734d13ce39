import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
const manifest = JSON.parse(text) as {
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
};

describe('package.json', () => {
  it('has no top-level key twice (JSON.parse keeps only the last copy)', () => {
    const keys = [...text.matchAll(/^ {2}"([^"]+)":/gm)].map((m) => m[1]);
    expect(keys.length).toBeGreaterThan(5);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  it('declares its optional peers: @tensorflow/tfjs for ./tfjs, vitest for ./vitest', () => {
    for (const peer of ['@tensorflow/tfjs', 'vitest']) {
      expect(manifest.peerDependencies?.[peer]).toBeDefined();
      expect(manifest.peerDependenciesMeta?.[peer]?.optional).toBe(true);
    }
  });
});
