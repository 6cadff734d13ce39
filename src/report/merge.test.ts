import { describe, expect, test } from 'vitest';
import type { CheckResult } from '../property/types.js';
import { asReport, mergeReports } from './merge.js';
import { buildReport, type Report } from './model.js';

const check = (name: string, status: CheckResult['status']): CheckResult => ({
  name,
  status,
  runs: 10,
  skipped: 0,
  seed: 1,
  evaluations: 40,
  durationMs: 5,
  maxRelError: 0,
  hints: [],
});
const shard = (startedAt: string, durationMs: number, checks: CheckResult[]): Report => ({
  ...buildReport(checks, { startedAt: new Date(startedAt), version: '0.0.0' }),
  durationMs,
});

describe('mergeReports', () => {
  test('joins the checks of every shard and recounts the summary', () => {
    const a = shard('2026-01-01T00:00:00.000Z', 1000, [check('a', 'pass'), check('b', 'fail')]);
    const b = shard('2026-01-01T00:00:00.500Z', 2000, [check('c', 'error'), check('d', 'nondifferentiable')]);
    const m = mergeReports([a, b], ['a.json', 'b.json']);
    expect(m.checks.map((c) => c.name)).toEqual(['a', 'b', 'c', 'd']);
    expect(m.summary).toEqual({ checks: 4, passed: 1, failed: 1, nondifferentiable: 1, errors: 1 });
    // The span of all shards: from the first start to the last end (0.5 s + 2 s).
    expect(m.startedAt).toBe('2026-01-01T00:00:00.000Z');
    expect(m.durationMs).toBe(2500);
    expect(m.config).toMatchObject({ command: 'merge', sources: ['a.json', 'b.json'] });
    expect(m.incomplete).toBeUndefined();
  });

  test('an incomplete shard makes the merged report incomplete', () => {
    const a = { ...shard('2026-01-01T00:00:00.000Z', 10, [check('a', 'pass')]), incomplete: true };
    expect(mergeReports([a]).incomplete).toBe(true);
  });

  test('refuses the same shard twice, naming both files', () => {
    const a = shard('2026-01-01T00:00:00.000Z', 10, [check('a', 'pass')]);
    expect(() => mergeReports([a, a], ['x.json', 'y.json'])).toThrow('gradproof: check "a" is in both x.json and y.json: merge each shard once');
  });

  test('refuses shards that do not make up a whole run: one missing, or shards of different splits', () => {
    const of = (name: string, spec: string) => ({ ...shard('2026-01-01T00:00:00.000Z', 10, [check(name, 'pass')]), config: { shard: spec } });
    expect(() => mergeReports([of('a', '1/2')], ['s1.json'])).toThrow('gradproof: shard 2/2 is missing (got 1/2): a merged report would leave its checks out');
    expect(() => mergeReports([of('a', '1/4'), of('c', '3/4')], ['s1.json', 's3.json'])).toThrow('gradproof: shards 2/4, 4/4 are missing (got 1/4, 3/4)');
    expect(() => mergeReports([of('a', '1/2'), of('b', '2/3')], ['x.json', 'y.json'])).toThrow('the reports come from different splits (x.json: shard 1/2, y.json: shard 2/3)');
    // Different splits sharing a check name: the split is named, not the duplicate.
    expect(() => mergeReports([of('a', '1/2'), of('a', '1/3')], ['x.json', 'y.json'])).toThrow('the reports come from different splits');
    // Shards of the same split, of runs over other modules: refused, naming what differs (a seed may differ).
    const run = (name: string, spec: string, modules: string[], seed: number) => ({ ...of(name, spec), config: { shard: spec, command: 'check', modules, seed } });
    expect(() => mergeReports([run('a', '1/2', ['m/a.ts', 'm/b.ts'], 1), run('b', '2/2', ['m/a.ts'], 2)], ['s1.json', 's2.json'])).toThrow(
      'gradproof: the shards come from different runs: modules is ["m/a.ts","m/b.ts"] in s1.json but ["m/a.ts"] in s2.json: merge the shards of one run',
    );
    expect(mergeReports([run('a', '1/2', ['m/a.ts'], 1), run('b', '2/2', ['m/a.ts'], 2)]).summary.checks).toBe(2);
    // A whole split comes out in the order of the run it was split from (shard i holds every n-th check from the i-th).
    const split = (spec: string, names: string[]) => ({ ...shard('2026-01-01T00:00:00.000Z', 10, names.map((n) => check(n, 'pass'))), config: { shard: spec } });
    expect(mergeReports([split('2/2', ['b', 'd']), split('1/2', ['a', 'c', 'e'])]).checks.map((c) => c.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
    // Every shard of a run, in any order; unsharded reports alongside are joined as given.
    expect(mergeReports([of('b', '2/2'), of('a', '1/2'), shard('2026-01-01T00:00:00.000Z', 10, [check('z', 'pass')])]).summary.checks).toBe(3);
  });

  test('refuses what is not a schemaVersion 1 report', () => {
    expect(() => asReport({ schemaVersion: 2, checks: [] }, 'r.json')).toThrow('gradproof: r.json is not a gradproof JSON report (schemaVersion 1)');
    expect(() => asReport([], 'r.json')).toThrow(/not a gradproof JSON report/);
  });
});
