import type { Report } from './model.js';
import { summarize } from './model.js';

/** A problem with the reports given to merge (one line, meant for the user). */
export class MergeError extends Error {
  override name = 'MergeError';
}

/** Reads a parsed JSON value as a schemaVersion 1 report, or throws a MergeError naming the source. */
export function asReport(value: unknown, source: string): Report {
  const r = value as Partial<Report> | null;
  if (typeof r !== 'object' || r === null || r.schemaVersion !== 1 || !Array.isArray(r.checks) || typeof r.startedAt !== 'string') {
    throw new MergeError(`gradproof: ${source} is not a gradproof JSON report (schemaVersion 1)`);
  }
  return r as Report;
}

/** Joins the reports of sharded runs into one: every check once, the summary recounted, the span of all runs. */
export function mergeReports(reports: readonly Report[], sources: readonly string[] = []): Report {
  if (reports.length === 0) throw new MergeError('gradproof: merge needs at least one report');
  // The split first: shards of different splits share check names, and would be refused as duplicates.
  checkShards(reports, sources);
  const seen = new Map<string, number>();
  reports.forEach((r, i) => {
    for (const c of r.checks) {
      const before = seen.get(c.name);
      if (before !== undefined && before !== i) {
        throw new MergeError(`gradproof: check "${c.name}" is in both ${sources[before] ?? `report ${before + 1}`} and ${sources[i] ?? `report ${i + 1}`}: merge each shard once`);
      }
      seen.set(c.name, i);
    }
  });
  const start = Math.min(...reports.map((r) => Date.parse(r.startedAt)));
  const end = Math.max(...reports.map((r) => Date.parse(r.startedAt) + r.durationMs));
  const checks = runOrder(reports) ?? reports.flatMap((r) => r.checks);
  const merged: Report = {
    schemaVersion: 1,
    tool: reports[0].tool,
    startedAt: new Date(start).toISOString(),
    durationMs: end - start,
    config: { command: 'merge', sources: [...sources], shards: reports.map((r) => r.config) },
    summary: summarize(checks),
    checks,
  };
  if (reports.some((r) => r.incomplete)) merged.incomplete = true;
  return merged;
}

/** The shard "i/n" a report's run was given (its config.shard), or undefined for an unsharded run. */
function shardOfReport(r: Report): { index: number; count: number } | undefined {
  const m = typeof r.config.shard === 'string' ? /^(\d+)\/(\d+)$/.exec(r.config.shard) : null;
  return m ? { index: Number(m[1]), count: Number(m[2]) } : undefined;
}

/**
 * Refuses shards that do not make up a whole run: a shard missing (a CI job that crashed before it wrote its
 * report), or shards of different splits. Unsharded reports (separate runs of separate modules) are joined as given.
 */
function checkShards(reports: readonly Report[], sources: readonly string[]): void {
  const sharded = reports.flatMap((report, i) => {
    const shard = shardOfReport(report);
    return shard ? [{ report, shard, source: sources[i] ?? `report ${i + 1}` }] : [];
  });
  if (sharded.length === 0) return;
  const counts = new Set(sharded.map((s) => s.shard.count));
  if (counts.size > 1) {
    throw new MergeError(`gradproof: the reports come from different splits (${sharded.map((s) => `${s.source}: shard ${s.shard.index}/${s.shard.count}`).join(', ')}): merge the shards of one run`);
  }
  // One run's shards differ in their shard and (when none was given) their random seed, nothing else: shards of runs
  // over other modules, filters or settings would leave checks out or mix verdicts of different checks.
  const same = ['command', 'modules', 'filter', 'mode', 'runs', 'precision', 'atol', 'rtol', 'probes', 'missProbability', 'maxJacobianEntries'];
  const [first] = sharded;
  const show = (v: unknown) => JSON.stringify(v ?? null);
  for (const s of sharded) {
    const key = same.find((k) => show(s.report.config[k]) !== show(first.report.config[k]));
    if (key !== undefined) {
      throw new MergeError(`gradproof: the shards come from different runs: ${key} is ${show(first.report.config[key])} in ${first.source} but ${show(s.report.config[key])} in ${s.source}: merge the shards of one run`);
    }
  }
  const count = first.shard.count;
  const have = new Set(sharded.map((s) => s.shard.index));
  const missing = Array.from({ length: count }, (_, k) => k + 1).filter((i) => !have.has(i));
  if (missing.length > 0) {
    throw new MergeError(
      `gradproof: shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing (got ${[...have].sort((a, b) => a - b).map((i) => `${i}/${count}`).join(', ')}): a merged report would leave ${missing.length > 1 ? 'their' : 'its'} checks out`,
    );
  }
}

/**
 * The checks of a whole split in the order of the run they were split from: shard i holds the checks k with
 * k mod n = i − 1, in order, so the run's order interleaves them. Undefined when the reports are not one whole
 * split (unsharded reports are joined in the order given).
 */
function runOrder(reports: readonly Report[]): Report['checks'] | undefined {
  const shards = reports.map(shardOfReport);
  if (shards.some((s) => s === undefined)) return undefined;
  const n = shards[0]!.count;
  const byIndex = new Map(shards.map((s, i) => [s!.index, reports[i].checks]));
  const total = reports.reduce((t, r) => t + r.checks.length, 0);
  const out: Report['checks'] = [];
  for (let k = 0; k < total; k++) {
    const c = byIndex.get((k % n) + 1)?.[Math.floor(k / n)];
    if (!c) return undefined;
    out.push(c);
  }
  return out;
}
