import cliProgress from 'cli-progress';
import type { PreparedCheck, RunHooks } from '../api/run-checks.js';
import type { CheckResult } from '../property/index.js';
import { formatDuration, printable } from '../report/format.js';

/** Where the command writes. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/** The process's own streams and environment. */
export const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env };

/** True when a stream may carry colours and redraws: a TTY, and NO_COLOR unset. */
export function isRichStream(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

/** One plain line for a finished check, e.g. "[3/12] fail  dense layer  (100 runs, 0.4 s)". */
export function progressLine(result: CheckResult, index: number, total: number): string {
  const width = String(total).length;
  return `[${String(index + 1).padStart(width)}/${total}] ${result.status.padEnd(17)} ${printable(result.name)}  (${result.runs} ${result.runs === 1 ? 'run' : 'runs'}, ${formatDuration(result.durationMs)})`;
}

/** Progress hooks for a run: a bar on a TTY (stderr), plain lines otherwise; `stop` clears the bar. */
export function createProgress(io: CliIo): RunHooks & { stop: () => void } {
  if (!isRichStream(io.stderr, io.env)) {
    return {
      onCheckDone: (result, i, total) => io.stderr.write(`${progressLine(result, i, total)}\n`),
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { stream: io.stderr, format: '{bar} {value}/{total} {name}', clearOnComplete: true, hideCursor: true, barsize: 30 },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    onCheckStart: (check: PreparedCheck, i, total) => {
      if (!started) {
        bar.start(total, i, { name: printable(check.spec.name) });
        started = true;
      } else bar.update(i, { name: printable(check.spec.name) });
    },
    onCheckDone: (_result, i) => bar.update(i + 1),
    stop: () => {
      if (started) bar.stop();
    },
  };
}
