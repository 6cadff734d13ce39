import { Command, InvalidArgumentError, Option } from 'commander';
import type { Mode } from '../api/run-checks.js';
import { DEFAULT_MAX_JACOBIAN_ENTRIES, DEFAULT_MISS_PROBABILITY, DEFAULT_PROBES } from '../check/types.js';
import { DEFAULT_TIMEOUT_SECONDS, parseFormats as parseReportFormats, REPORT_FORMATS, type ReportFormat } from '../report/index.js';

/** Which part of a deterministic split of the checks to run: shard `index` (1-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** Options shared by the commands that run checks (as commander parses them). */
export interface RunFlags {
  runs: number;
  seed?: number;
  path?: string;
  mode: Mode;
  atol?: number;
  rtol?: number;
  float32: boolean;
  filter?: string;
  shard?: Shard;
  reportDir: string;
  format: ReportFormat[];
  json: boolean;
  debug: boolean;
  /** Time limit per check, in seconds. */
  timeout: number;
  /** Worker threads (default: the available cores). */
  workers?: number;
  /** Largest full Jacobian (entries) before a check switches to fast mode. */
  maxJacobianEntries: number;
  /** Fast mode: random probes per input. */
  probes: number;
  /** Fast mode: the chance of missing an error of the stated size that the statement is made at. */
  missProbability: number;
}

/** Parses a positive whole number option. */
export function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^\s*\d+\s*$/.test(v) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive whole number, got "${v}"`);
    return n;
  };
}

/** Parses a non-negative finite number option. */
export function nonNegative(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative number, got "${v}"`);
    return n;
  };
}

/** Parses a positive finite number option. */
export function positiveNumber(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number, got "${v}"`);
    return n;
  };
}

/** Parses a probability strictly between 0 and 1. */
export function openUnit(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !(n > 0 && n < 1)) throw new InvalidArgumentError(`${name} must lie strictly between 0 and 1, got "${v}"`);
    return n;
  };
}

/** Parses a fast-check seed (a 32-bit whole number, possibly negative). */
export function parseSeed(v: string): number {
  const n = Number(v);
  if (!/^\s*-?\d+\s*$/.test(v) || !Number.isSafeInteger(n) || n < -(2 ** 31) || n >= 2 ** 32) {
    throw new InvalidArgumentError(`--seed must be a whole number (a 32-bit fast-check seed), got "${v}"`);
  }
  return n;
}

/** Parses a fast-check replay path: whole numbers joined by colons, as a report's replay line prints it. */
export function parsePath(v: string): string {
  if (!/^\d+(:\d+)*$/.test(v.trim())) throw new InvalidArgumentError(`--path must be whole numbers joined by colons, as a replay line prints it (e.g. 0:1:0), got "${v}"`);
  return v.trim();
}

/** Parses a report directory: any path but an empty one. */
export function parseReportDir(v: string): string {
  if (v.trim() === '') throw new InvalidArgumentError('--report-dir must name a directory, got ""');
  return v;
}

/** Parses "i/n" (1 ≤ i ≤ n). */
export function parseShard(v: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(v);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw new InvalidArgumentError(`--shard must be i/n with 1 ≤ i ≤ n, e.g. 2/4, got "${v}"`);
  return { index, count };
}

/** Parses a comma-separated list of report formats. */
export function parseFormats(v: string): ReportFormat[] {
  try {
    return parseReportFormats(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

/** Adds the options of the commands that run checks, each with its default in the help. */
export function addRunOptions(cmd: Command): Command {
  return cmd
    .option('--runs <n>', 'random inputs per check', positiveInt('--runs'), 100)
    .option('--seed <n>', 'fast-check seed, to replay a run (default: random, printed in the report)', parseSeed)
    .option('--path <path>', 'fast-check path of a counterexample, to replay it with --seed (default: none)', parsePath)
    .addOption(new Option('--mode <mode>', 'full compares every Jacobian entry; fast compares directional probes').choices(['full', 'fast']).default('full'))
    .option('--probes <n>', 'fast mode: random directional probes per input (each costs 2 evaluations when it agrees)', positiveInt('--probes'), DEFAULT_PROBES)
    .option('--miss-probability <p>', 'fast mode: state the error size the probes miss with this probability', openUnit('--miss-probability'), DEFAULT_MISS_PROBABILITY)
    .option('--max-jacobian-entries <n>', 'a larger full Jacobian is streamed column by column (a vjp spec: fast mode), with a notice', positiveInt('--max-jacobian-entries'), DEFAULT_MAX_JACOBIAN_ENTRIES)
    .option('--atol <x>', "absolute tolerance (default: the spec's, else 0)", nonNegative('--atol'))
    .option('--rtol <x>', "relative tolerance (default: the spec's, else 1e-7; 1e-4 with --float32)", nonNegative('--rtol'))
    .option('--float32', 'check as if f computes in float32 (steps, noise floor, default tolerances)', false)
    .option('--filter <text>', 'only checks whose name contains this text; a whole name selects that check alone (default: every check)')
    .option('--shard <i/n>', 'run only shard i of n (checks split by index, i = 1..n) (default: 1/1)', parseShard)
    .option('--report-dir <dir>', 'where report files are written', parseReportDir, 'reports')
    .addOption(
      new Option('--format <list>', `report formats, comma-separated: ${REPORT_FORMATS.join(', ')} (console goes to stdout, the others to --report-dir)`)
        .argParser(parseFormats)
        .default([...REPORT_FORMATS], REPORT_FORMATS.join(',')),
    )
    .option('--json', 'print the JSON report on stdout (instead of the console summary)', false)
    .option('--timeout <seconds>', 'time limit per check; a check that exceeds it is an error', positiveNumber('--timeout'), DEFAULT_TIMEOUT_SECONDS)
    .option('--workers <n>', 'worker threads that run checks in parallel (default: the available cores)', positiveInt('--workers'))
    .option('--debug', 'print stack traces for errors', false);
}
