import chalk from 'chalk';
import { AVAILABLE_MODES, randomSeed, type PreparedCheck } from '../api/run-checks.js';
import { runChecksInWorkers } from '../api/run-pool.js';
import type { StartedWorkers } from '../api/worker-pool.js';
import type { CheckResult } from '../property/index.js';
import { buildReport, formatConsoleReport, formatJson, plain, prepareReportDir, ReportDirError, reportDirFailure, writeReports, type Paint, type Report, type ReportFormat } from '../report/index.js';
import { ExitCode, exitCodeOf } from './exit-code.js';
import type { RunFlags, Shard } from './options.js';
import { createProgress, isRichStream, type CliIo } from './progress.js';
import { UsageError } from './usage-error.js';
import { version } from './version.js';

/** What is being run, for the report's config and the replay command. */
export interface RunTarget {
  command: 'check' | 'catalog';
  /** Module paths as given (check only). */
  modules?: string[];
}

export function paintFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): Paint {
  if (!isRichStream(stream, env)) return plain;
  return { pass: chalk.green, fail: chalk.red, warn: chalk.yellow, dim: chalk.dim, bold: chalk.bold };
}

/** The checks of one shard: check k (0-based) goes to shard (k mod n) + 1. */
export function shardOf<T>(items: readonly T[], shard: Shard | undefined): T[] {
  if (!shard) return [...items];
  return items.filter((_, k) => k % shard.count === shard.index - 1);
}
/**
 * Writes a report's files and prints it (the JSON on stdout with `json`, else the console report with the files'
 * paths); false, after one line on stderr, when the files could not be written (a disk that filled up during the
 * run: the console report still shows what was found).
 */
export async function publishReport(report: Report, flags: { reportDir: string; format: ReportFormat[]; json: boolean }, io: CliIo): Promise<boolean> {
  let written: string[] = [];
  let writeFailure: string | undefined;
  try {
    written = await writeReports(report, { dir: flags.reportDir, formats: flags.format });
  } catch (e) {
    writeFailure = reportDirFailure(flags.reportDir, e);
  }
  if (flags.json) io.stdout.write(formatJson(report));
  else if (flags.format.includes('console')) {
    io.stdout.write(formatConsoleReport(report, paintFor(io.stdout, io.env)) + written.map((p) => `report: ${p}\n`).join(''));
  }
  if (writeFailure) io.stderr.write(`${writeFailure}\n`);
  return writeFailure === undefined;
}

/** Filters, shards and runs prepared checks (on `started` threads when given), writes the reports, prints the outcome; resolves to the exit code. */
export async function runCommand(target: RunTarget, all: PreparedCheck[], flags: RunFlags, io: CliIo, started?: StartedWorkers): Promise<number> {
  if (flags.mode !== 'full' && !AVAILABLE_MODES.includes(flags.mode)) {
    throw new UsageError(`gradproof: --mode ${flags.mode} is not available in this build yet (available: ${AVAILABLE_MODES.join(', ')})`);
  }
  if (flags.path !== undefined && flags.seed === undefined) throw new UsageError('gradproof: --path replays a counterexample only together with its --seed');
  // A whole name (as a replay line gives it) selects that check alone, though other names contain it.
  const exact = all.filter((c) => c.spec.name === flags.filter);
  const filtered = flags.filter === undefined ? all : exact.length > 0 ? exact : all.filter((c) => c.spec.name.includes(flags.filter!));
  if (filtered.length === 0) {
    throw new UsageError(`gradproof: --filter ${JSON.stringify(flags.filter)} matches none of the ${all.length} checks`);
  }
  const checks = shardOf(filtered, flags.shard);
  // Before the run spends its time: a report directory that cannot be written is a usage error.
  try {
    await prepareReportDir(flags.reportDir, flags.format);
  } catch (e) {
    if (e instanceof ReportDirError) throw new UsageError(e.message);
    throw e;
  }
  if (checks.length === 0) io.stderr.write(`gradproof: shard ${flags.shard!.index}/${flags.shard!.count} holds none of the ${filtered.length} checks\n`);

  const startedAt = new Date();
  const seed = flags.seed ?? randomSeed();
  const precision = flags.float32 ? 'float32' : undefined;
  const tolerance = flags.atol !== undefined || flags.rtol !== undefined ? { atol: flags.atol, rtol: flags.rtol } : undefined;
  const progress = createProgress(io);
  // Ctrl-C: stop the running checks and write the report of the finished ones; a second Ctrl-C quits at once.
  const interrupt = new AbortController();
  const onSigint = () => {
    if (interrupt.signal.aborted) process.exit(ExitCode.Interrupted);
    interrupt.abort();
  };
  process.on('SIGINT', onSigint);
  let results: CheckResult[];
  try {
    results = await runChecksInWorkers(
      checks,
      {
        runs: flags.runs,
        seed,
        path: flags.path,
        mode: flags.mode,
        precision,
        tolerance,
        maxJacobianEntries: flags.maxJacobianEntries,
        probes: flags.probes,
        missProbability: flags.missProbability,
        debug: flags.debug,
      },
      { ...progress, signal: interrupt.signal },
      { workers: flags.workers, timeoutSeconds: flags.timeout, started },
    );
  } catch (e) {
    process.off('SIGINT', onSigint);
    throw e;
  } finally {
    progress.stop();
  }
  // The handler stays while the reports are written: a Ctrl-C then lets them finish (a second one quits at once).
  const done = (code: number): number => {
    process.off('SIGINT', onSigint);
    return code;
  };
  const incomplete = interrupt.signal.aborted && results.length < checks.length;

  const config: Record<string, unknown> = {
    command: target.command,
    ...(target.modules ? { modules: target.modules } : {}),
    runs: flags.runs,
    seed,
    path: flags.path ?? null,
    mode: flags.mode,
    // Recorded on every run: a full run's vjp checks over the Jacobian budget are checked in fast mode too.
    probes: flags.probes,
    missProbability: flags.missProbability,
    maxJacobianEntries: flags.maxJacobianEntries,
    precision: precision ?? null,
    atol: flags.atol ?? null,
    rtol: flags.rtol ?? null,
    filter: flags.filter ?? null,
    shard: flags.shard ? `${flags.shard.index}/${flags.shard.count}` : null,
    timeout: flags.timeout,
  };
  const report = buildReport(results, { startedAt, version, config, incomplete });
  if (incomplete) {
    io.stderr.write(`gradproof: interrupted: the report holds the ${results.length} of ${checks.length} checks that finished\n`);
  }
  if (!(await publishReport(report, flags, io))) return done(ExitCode.Usage);
  if (incomplete) return done(ExitCode.Interrupted);
  return done(exitCodeOf(report.summary));
}
