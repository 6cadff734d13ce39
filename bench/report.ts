import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import type { Measurement } from './measure.js';

/** Where and with what a benchmark ran. */
export interface MachineInfo {
  node: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  platform: string;
  /** The gradproof commit measured (short hash, "+dirty" with uncommitted changes outside bench/results), or null outside git. */
  commit: string | null;
}

/** Describes this machine and checkout. */
export function machineInfo(): MachineInfo {
  const c = cpus();
  let commit: string | null = null;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', '.', ':!bench/results'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (dirty) commit += '+dirty';
  } catch {
    commit = null;
  }
  return {
    node: process.version,
    cpu: c[0]?.model ?? 'unknown',
    cores: c.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    platform: `${process.platform}-${process.arch}`,
    commit,
  };
}

/** A duration in ms with about three significant digits. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toFixed(3);
}

/** A byte count as KiB or MiB. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '—';
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return `${(bytes / 2 ** 10).toFixed(0)} KiB`;
}

/** Lays out rows of cells as an aligned plain-text table (first column left, the rest right). */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((s, c) => (c === 0 ? s.padEnd(widths[c]) : s.padStart(widths[c]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The benchmark table: one row per workload and mode (CPU times in ms; first = the cold first check). */
export function measurementTable(ms: readonly Measurement[]): string {
  const header = ['workload', 'mode', 'status', 'entries', 'evals', 'first ms', 'checker ms', 'bare ms', 'overhead', 'peak mem', 'retained'];
  const rows = ms.map((m) => [
    m.workload,
    m.mode,
    m.status,
    `${m.outputEntries}×${m.inputEntries}`,
    String(m.evaluations),
    formatMs(m.firstMs),
    formatMs(m.checkerMs),
    formatMs(m.bareMs),
    `${m.overhead.toFixed(2)}×`,
    formatBytes(m.peakBytes),
    formatBytes(m.retainedBytes),
  ]);
  return formatTable(header, rows);
}
