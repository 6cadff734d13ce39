import { readFile } from 'node:fs/promises';
import { asReport, mergeReports, MergeError, prepareReportDir, ReportDirError, type Report, type ReportFormat } from '../report/index.js';
import { ExitCode, exitCodeOf } from './exit-code.js';
import type { CliIo } from './progress.js';
import { publishReport } from './run-command.js';
import { UsageError } from './usage-error.js';

/** Options of `gradproof merge`. */
export interface MergeFlags {
  reportDir: string;
  format: ReportFormat[];
  json: boolean;
}

/** Joins the JSON reports of sharded runs, writes the merged reports, and resolves to the exit code. */
export async function mergeCommand(files: string[], flags: MergeFlags, io: CliIo): Promise<number> {
  const reports: Report[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      const code = (e as { code?: string }).code;
      const why = code === 'EISDIR' ? 'it is a directory (give the gradproof.json in it)' : code === 'EACCES' ? 'permission denied' : 'no such file';
      throw new UsageError(`gradproof: cannot read ${file}: ${why}`);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new UsageError(`gradproof: ${file} is not valid JSON`);
    }
    try {
      reports.push(asReport(value, file));
    } catch (e) {
      throw new UsageError((e as MergeError).message);
    }
  }
  let report;
  try {
    report = mergeReports(reports, files);
    await prepareReportDir(flags.reportDir, flags.format);
  } catch (e) {
    if (e instanceof MergeError || e instanceof ReportDirError) throw new UsageError(e.message);
    throw e;
  }
  if (!(await publishReport(report, flags, io))) return ExitCode.Usage;
  if (report.incomplete) {
    const cut = files.filter((_, i) => reports[i].incomplete);
    io.stderr.write(`gradproof: ${cut.join(', ')} ${cut.length > 1 ? 'come from interrupted runs' : 'comes from an interrupted run'}: the merged report is incomplete (exit code 130, as the interrupted run's)\n`);
    return ExitCode.Interrupted;
  }
  return exitCodeOf(report.summary);
}
