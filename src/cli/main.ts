// The modules that run checks (the catalog, the spec compiler, the checker, the reports) are imported when a command
// needs them, after its worker threads have started: the threads load gradproof while the main thread does.
import { Command, Option } from 'commander';
import { startWorkers, type StartedWorkers } from '../api/worker-pool.js';
import { ModuleLoadError, SpecError } from '../spec/spec-error.js';
import { ExitCode } from './exit-code.js';
import type { MergeFlags } from './merge-command.js';
import { addRunOptions, parseFormats, parseReportDir, type RunFlags } from './options.js';
import { REPORT_FORMATS } from '../report/index.js';
import { processIo, type CliIo } from './progress.js';
import { UsageError } from './usage-error.js';
import { version } from './version.js';

export type { RunFlags } from './options.js';

/** The catalog's entries as a list (for `gradproof catalog --list`). */
export async function catalogList(): Promise<{ name: string; section: string; title: string; mutants: string[] }[]> {
  const { catalog } = await import('../catalog/index.js');
  return catalog.map((e) => ({ name: e.spec.name, section: e.section, title: e.title, mutants: e.mutants.map((m) => m.name) }));
}

async function printCatalogList(json: boolean, io: CliIo): Promise<number> {
  const list = await catalogList();
  if (json) io.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
  else {
    const width = Math.max(...list.map((e) => e.name.length));
    for (const e of list) io.stdout.write(`${e.name.padEnd(width)}  ${e.section}: ${e.title}${e.mutants.length ? `  (${e.mutants.length} mutants)` : ''}\n`);
  }
  return ExitCode.Pass;
}

/** Writes an error on one line (its stack, and its cause's, with --debug) and returns exit code 2. */
function usageFailure(error: Error, debug: boolean, io: CliIo): number {
  io.stderr.write(`${error.message.split('\n')[0]}\n`);
  if (debug) {
    io.stderr.write(`${error.stack ?? ''}\n`);
    if (error.cause instanceof Error) io.stderr.write(`caused by: ${error.cause.stack ?? error.cause.message}\n`);
  }
  return ExitCode.Usage;
}

/**
 * Starts the worker threads of a run (`eager` of them at once, the rest when checks queue up), then runs `body`
 * with them; ends them if the run did not (say, on bad usage).
 */
async function withWorkers(
  opts: RunFlags,
  body: (started: StartedWorkers, handOver: () => void) => Promise<void>,
  io: CliIo,
  eager?: number,
): Promise<void> {
  const started = startWorkers(opts.workers, eager === undefined ? undefined : Math.max(1, eager));
  // Ctrl-C while the modules load, until `handOver` gives it to the run (which writes the report of the finished
  // checks): one line and exit code 130, as for an interrupted run.
  const early = (): void => {
    io.stderr.write('gradproof: interrupted before any check ran\n');
    process.exit(ExitCode.Interrupted);
  };
  process.on('SIGINT', early);
  const handOver = (): void => {
    process.off('SIGINT', early);
  };
  try {
    await body(started, handOver);
  } finally {
    handOver();
    await started.destroy();
  }
}

/** Warns (one line on stderr) when options that only fast mode reads are given to a full-mode run. */
function warnFastOnly(cmd: Command, opts: RunFlags, io: CliIo): void {
  if (opts.mode === 'fast') return;
  const given = ['probes', 'missProbability'].filter((o) => cmd.getOptionValueSource(o) === 'cli');
  if (given.length === 0) return;
  const flags = given.map((o) => (o === 'probes' ? '--probes' : '--miss-probability')).join(' and ');
  io.stderr.write(`gradproof: ${flags} ${given.length === 1 ? 'applies' : 'apply'} only to checks run in fast mode (--mode fast, or a vjp spec over --max-jacobian-entries)\n`);
}

/** Runs the gradproof command with the given arguments and resolves to its exit code. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  let code: number = ExitCode.Pass;
  const program = new Command('gradproof')
    .description('Checks analytic derivatives against finite differences on random shapes and values.')
    .version(version)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // commander's own errors ("error: unknown option …") carry gradproof's prefix, as every other one-line error does.
      outputError: (s, write) => write(s.replace(/^error: /, 'gradproof: ')),
    })
    .showSuggestionAfterError()
    .addHelpText(
      'after',
      '\nExit codes: 0 every check passed; 1 a discrepancy (or an error in a checked function) was found, or a\n' +
        'check had too few inputs away from a kink to compare; 2 bad usage, a module that cannot be loaded, an invalid\n' +
        'spec, or a report directory that cannot be written; 130 interrupted (Ctrl-C: the report of the finished checks).',
    );
  addRunOptions(
    program
      .command('check')
      .description("check the specs that the user's .ts/.mts/.js/.mjs modules export")
      .argument('<module...>', 'spec modules (default export: a spec or an array of specs; named exports that are specs count too)'),
  ).action(async (modules: string[], opts: RunFlags, cmd: Command) => {
    warnFastOnly(cmd, opts, io);
    await withWorkers(opts, async (started, handOver) => {
      const [{ prepareModules }, { runCommand }] = await Promise.all([import('../api/prepare.js'), import('./run-command.js')]);
      const { checks, errors } = await prepareModules(modules);
      if (errors.length > 0) {
        for (const e of errors) io.stderr.write(`${e.message}\n`);
        code = ExitCode.Usage;
        return;
      }
      handOver();
      code = await runCommand({ command: 'check', modules }, checks, opts, io, started);
    }, io, modules.length); // a thread per module from the start (one module is often one spec); more if checks queue up
  });
  addRunOptions(
    program
      .command('catalog')
      .description('check every definition and example of the source document')
      .option('--list', 'list the catalog entries instead of checking them (with --json: as JSON)', false),
  ).action(async (opts: RunFlags & { list: boolean }, cmd: Command) => {
    if (opts.list) code = await printCatalogList(opts.json, io);
    else {
      warnFastOnly(cmd, opts, io);
      await withWorkers(opts, async (started, handOver) => {
        const [{ prepareCatalog }, { runCommand }] = await Promise.all([import('../api/prepare.js'), import('./run-command.js')]);
        handOver();
        code = await runCommand({ command: 'catalog' }, prepareCatalog(), opts, io, started);
      }, io);
    }
  });

  program
    .command('merge')
    .description('join the JSON reports of sharded runs (--shard i/n) into one report, in every format')
    .argument('<report...>', 'JSON reports, one per shard (reports/gradproof.json of each run)')
    .option('--report-dir <dir>', 'where the merged report files are written', parseReportDir, 'reports')
    .addOption(
      new Option('--format <list>', `report formats, comma-separated: ${REPORT_FORMATS.join(', ')}`).argParser(parseFormats).default([...REPORT_FORMATS], REPORT_FORMATS.join(',')),
    )
    .option('--json', 'print the merged JSON report on stdout', false)
    .option('--debug', 'print stack traces for errors', false)
    .action(async (files: string[], opts: MergeFlags) => {
      const { mergeCommand } = await import('./merge-command.js');
      code = await mergeCommand(files, opts, io);
    });

  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return ExitCode.Pass;
    // No command at all: the help goes to stderr, as for any other usage error.
    if (typeof err.code === 'string' && err.code.startsWith('commander.')) return ExitCode.Usage;
    if (e instanceof UsageError || e instanceof ModuleLoadError || e instanceof SpecError) return usageFailure(e, debug, io);
    const error = e instanceof Error ? e : new Error(String(e));
    io.stderr.write(`gradproof: internal error: ${error.message.split('\n')[0]}${debug ? '' : ' (run with --debug for the stack trace)'}\n`);
    if (debug) io.stderr.write(`${error.stack ?? ''}\n`);
    return ExitCode.Usage;
  }
  return code;
}
