import type { Report } from './model.js';

/** The JSON report text (schemaVersion 1); non-finite numbers become null. */
export function formatJson(report: Report): string {
  return JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
}
