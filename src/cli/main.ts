import chalk from 'chalk';
import { Command, InvalidArgumentError } from 'commander';
import { catalog } from '../catalog/index.js';
import { runProperty } from '../property/index.js';
import { buildReport, formatConsoleReport, formatJson, parseFormats, plain, REPORT_FORMATS, writeReports, type Paint, type ReportFormat } from '../report/index.js';
import { ExitCode } from './exit-code.js';
import { version } from './version.js';

/** Options shared by the commands that run checks. */
export interface RunFlags {
  runs: number;
  seed?: number;
  path?: string;
  atol?: number;
  rtol?: number;
  filter?: string;
  reportDir: string;
  json: boolean;
  format: ReportFormat[];
}

function intOption(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive whole number, got "${v}"`);
    return n;
  };
}

function numberOption(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative number, got "${v}"`);
    return n;
  };
}

function formatsOption(v: string): ReportFormat[] {
  try {
    return parseFormats(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

function paintFor(stream: NodeJS.WriteStream): Paint {
  if (!stream.isTTY || process.env.NO_COLOR) return plain;
  return { pass: chalk.green, fail: chalk.red, warn: chalk.yellow, dim: chalk.dim, bold: chalk.bold };
}

async function runCatalog(flags: RunFlags): Promise<number> {
  const startedAt = new Date();
  const entries = catalog.filter((e) => !flags.filter || e.spec.name.includes(flags.filter));
  const tolerance = { atol: flags.atol, rtol: flags.rtol };
  const checks = entries.map((e) => runProperty(e.spec, { runs: flags.runs, seed: flags.seed, path: flags.path, tolerance }));
  const config = { command: 'catalog', runs: flags.runs, seed: flags.seed ?? null, filter: flags.filter ?? null, atol: flags.atol ?? null, rtol: flags.rtol ?? null };
  const report = buildReport(checks, { startedAt, version, config });
  const written = await writeReports(report, { dir: flags.reportDir, formats: flags.format });
  if (flags.json) process.stdout.write(formatJson(report));
  else if (flags.format.includes('console')) process.stdout.write(formatConsoleReport(report, paintFor(process.stdout)) + written.map((p) => `report: ${p}\n`).join(''));
  return report.summary.failed + report.summary.errors > 0 ? ExitCode.Discrepancy : ExitCode.Pass;
}

/** Runs the gradproof command with the given arguments and resolves to its exit code. */
export async function main(argv: string[]): Promise<number> {
  let code: number = ExitCode.Pass;
  const program = new Command('gradproof')
    .description('Checks analytic derivatives against finite differences on random shapes and values.')
    .version(version)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const withRunOptions = (cmd: Command) =>
    cmd
      .option('--runs <n>', 'random inputs per check', intOption('--runs'), 100)
      .option('--seed <n>', 'fast-check seed (replay)', (v) => Number.parseInt(v, 10))
      .option('--path <path>', 'fast-check path of a counterexample (replay, with --seed)')
      .option('--atol <x>', 'absolute tolerance', numberOption('--atol'))
      .option('--rtol <x>', 'relative tolerance', numberOption('--rtol'))
      .option('--filter <text>', 'only checks whose name contains this text')
      .option('--report-dir <dir>', 'where reports are written', 'reports')
      .option('--json', 'print the JSON report on stdout', false)
      .option('--format <list>', `report formats, comma-separated: ${REPORT_FORMATS.join(',')} (console goes to stdout)`, formatsOption, [...REPORT_FORMATS]);
  withRunOptions(program.command('catalog').description('check every definition and example of the source document')).action(async (opts: RunFlags) => {
    code = await runCatalog(opts);
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    const err = e as { code?: string; exitCode?: number; message?: string };
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return ExitCode.Pass;
    if (typeof err.code === 'string' && err.code.startsWith('commander.')) return ExitCode.Usage;
    throw e;
  }
  return code;
}
