import type { Status } from '../check/types.js';
import type { CheckResult } from '../property/types.js';

/** Counts of checks by status. */
export interface Summary {
  checks: number;
  passed: number;
  failed: number;
  nondifferentiable: number;
  errors: number;
}

/** One run of gradproof over many checks: what every writer renders (JSON schemaVersion 1). */
export interface Report {
  schemaVersion: 1;
  tool: { name: string; version: string };
  startedAt: string;
  durationMs: number;
  config: Record<string, unknown>;
  summary: Summary;
  checks: CheckResult[];
  /** True when the run was stopped before every check finished. */
  incomplete?: boolean;
}

/** Counts checks by status. */
export function summarize(checks: readonly CheckResult[]): Summary {
  const count = (s: Status) => checks.filter((c) => c.status === s).length;
  return { checks: checks.length, passed: count('pass'), failed: count('fail'), nondifferentiable: count('nondifferentiable'), errors: count('error') };
}

/** Builds a report from finished checks. */
export function buildReport(checks: CheckResult[], options: { startedAt: Date; config?: Record<string, unknown>; version: string; incomplete?: boolean }): Report {
  const report: Report = {
    schemaVersion: 1,
    tool: { name: 'gradproof', version: options.version },
    startedAt: options.startedAt.toISOString(),
    durationMs: Date.now() - options.startedAt.getTime(),
    config: options.config ?? {},
    summary: summarize(checks),
    checks,
  };
  if (options.incomplete) report.incomplete = true;
  return report;
}
