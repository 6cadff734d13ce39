import chalk from 'chalk';
import { join } from 'node:path';
import { describeResult } from '../api/describe-result.js';
import { AVAILABLE_MODES, randomSeed, runChecks, type PreparedCheck } from '../api/run-checks.js';
import type { CheckResult } from '../property/index.js';
import * as reportWriters from '../report/index.js';
import { buildReport, formatJson, formatSummaryTable, plain, writeAtomic, type Paint, type Report } from '../report/index.js';
import { ExitCode } from './exit-code.js';
import type { Format, RunFlags, Shard } from './options.js';
import { createProgress, isRichStream, type CliIo } from './progress.js';
import { UsageError } from './usage-error.js';
import { version } from './version.js';

/** What is being run, for the report's config and the replay command. */
export interface RunTarget {
  command: 'check' | 'catalog';
  /** Module paths as given (check only). */
  modules?: string[];
}

/** Report writers for the file formats, looked up by name in src/report (formats not built yet are skipped). */
const FILE_FORMATS: Record<Exclude<Format, 'console' | 'json'>, { file: string; writer: string }> = {
  md: { file: 'gradproof.md', writer: 'formatMarkdown' },
  html: { file: 'gradproof.html', writer: 'formatHtml' },
  junit: { file: 'gradproof.junit.xml', writer: 'formatJunit' },
};

function paintFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): Paint {
  if (!isRichStream(stream, env)) return plain;
  return { pass: chalk.green, fail: chalk.red, warn: chalk.yellow, dim: chalk.dim, bold: chalk.bold };
}

/** The checks of one shard: check k (0-based) goes to shard (k mod n) + 1. */
export function shardOf<T>(items: readonly T[], shard: Shard | undefined): T[] {
  if (!shard) return [...items];
  return items.filter((_, k) => k % shard.count === shard.index - 1);
}

const quote = (s: string) => (/^[\w./:@+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The command line that replays one check's counterexample. */
export function replayCommand(target: RunTarget, check: PreparedCheck | undefined, flags: RunFlags, seed: number, path: string | undefined): string {
  const parts = ['gradproof', target.command];
  if (target.command === 'check') parts.push(quote(check?.origin.kind === 'module' ? check.origin.display : (target.modules ?? []).join(' ')));
  parts.push('--filter', quote(check?.spec.name ?? ''), '--seed', String(seed));
  if (path) parts.push('--path', quote(path));
  if (flags.float32) parts.push('--float32');
  if (flags.atol !== undefined) parts.push('--atol', String(flags.atol));
  if (flags.rtol !== undefined) parts.push('--rtol', String(flags.rtol));
  return parts.join(' ');
}

/** Filters, shards and runs prepared checks, writes the reports, prints the outcome; resolves to the exit code. */
export async function runCommand(target: RunTarget, all: PreparedCheck[], flags: RunFlags, io: CliIo): Promise<number> {
  if (flags.mode !== 'full' && !AVAILABLE_MODES.includes(flags.mode)) {
    throw new UsageError(`gradproof: --mode ${flags.mode} is not available in this build yet (available: ${AVAILABLE_MODES.join(', ')})`);
  }
  if (flags.path !== undefined && flags.seed === undefined) throw new UsageError('gradproof: --path replays a counterexample only together with its --seed');
  const filtered = flags.filter === undefined ? all : all.filter((c) => c.spec.name.includes(flags.filter!));
  if (filtered.length === 0) {
    throw new UsageError(`gradproof: --filter ${JSON.stringify(flags.filter)} matches none of the ${all.length} checks`);
  }
  const checks = shardOf(filtered, flags.shard);
  if (checks.length === 0) io.stderr.write(`gradproof: shard ${flags.shard!.index}/${flags.shard!.count} holds none of the ${filtered.length} checks\n`);

  const startedAt = new Date();
  const seed = flags.seed ?? randomSeed();
  const precision = flags.float32 ? 'float32' : undefined;
  const tolerance = flags.atol !== undefined || flags.rtol !== undefined ? { atol: flags.atol, rtol: flags.rtol } : undefined;
  const progress = createProgress(io);
  let results: CheckResult[];
  try {
    results = await runChecks(checks, { runs: flags.runs, seed, path: flags.path, mode: flags.mode, precision, tolerance }, progress);
  } finally {
    progress.stop();
  }

  const config: Record<string, unknown> = {
    command: target.command,
    ...(target.modules ? { modules: target.modules } : {}),
    runs: flags.runs,
    seed,
    path: flags.path ?? null,
    mode: flags.mode,
    precision: precision ?? null,
    atol: flags.atol ?? null,
    rtol: flags.rtol ?? null,
    filter: flags.filter ?? null,
    shard: flags.shard ? `${flags.shard.index}/${flags.shard.count}` : null,
  };
  const report = buildReport(results, { startedAt, version, config });
  const written = await writeReports(report, flags, io);

  if (flags.json) io.stdout.write(formatJson(report));
  if (flags.format.includes('console') && !flags.json) {
    const paint = paintFor(io.stdout, io.env);
    const details = results
      .map((r, i) => (r.status === 'pass' ? '' : describeResult(r, { replay: (s, p) => replayCommand(target, checks[i], flags, s, p) })))
      .filter(Boolean);
    const text = [formatSummaryTable(report, paint), ...details.map((d) => `\n${d}`), '', ...written.map((w) => `report: ${w}`)];
    io.stdout.write(`${text.join('\n').trimEnd()}\n`);
  }
  return report.summary.failed + report.summary.errors > 0 ? ExitCode.Discrepancy : ExitCode.Pass;
}

/** Writes the report files of the chosen formats; returns their paths. Formats not yet built get a one-line notice. */
async function writeReports(report: Report, flags: RunFlags, io: CliIo): Promise<string[]> {
  const written: string[] = [];
  if (flags.format.includes('json')) {
    const file = join(flags.reportDir, 'gradproof.json');
    await writeAtomic(file, formatJson(report));
    written.push(file);
  }
  for (const format of flags.format) {
    if (format === 'console' || format === 'json') continue;
    const { file, writer } = FILE_FORMATS[format];
    const fn = (reportWriters as Record<string, unknown>)[writer];
    if (typeof fn !== 'function') {
      io.stderr.write(`gradproof: --format ${format} is not available in this build yet; skipped\n`);
      continue;
    }
    const path = join(flags.reportDir, file);
    await writeAtomic(path, String((fn as (r: Report) => unknown)(report)));
    written.push(path);
  }
  return written;
}
