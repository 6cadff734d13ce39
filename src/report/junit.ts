import type { CheckResult } from '../property/types.js';
import { formatFailure } from './console.js';
import { escapeXml as attr, escapeXmlText as text } from './escape.js';
import { failureSummary } from './format.js';
import type { Report } from './model.js';

const seconds = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(3) : '0');

function testcase(report: Report, check: CheckResult): string {
  // Dotted like a package path, as CI viewers split it (the last dot starts the class): specs/dense.grad.ts reads
  // gradproof.specs.dense_grad_ts, not package "gradproof.specs/dense.grad", class "ts".
  const classname = `gradproof.${check.source ? check.source.replace(/\./g, '_').replace(/[\\/]+/g, '.') : typeof report.config.command === 'string' ? report.config.command : 'checks'}`;
  const open = `    <testcase name="${attr(check.name)}" classname="${attr(classname)}" time="${seconds(check.durationMs)}"`;
  if (check.status === 'pass') return `${open}/>`;
  const message = attr(failureSummary(check));
  const body = text(formatFailure(check, report.config));
  const child =
    check.status === 'fail'
      ? `<failure message="${message}" type="${attr(check.hints.length > 0 ? check.hints.join(',') : 'discrepancy')}">${body}</failure>`
      : check.status === 'error'
        ? `<error message="${message}" type="error">${body}</error>`
        : `<skipped message="${message}"/>`;
  return `${open}>\n      ${child}\n    </testcase>`;
}

/** The report as JUnit XML for CI systems: one testcase per check; a nondifferentiable check is skipped. */
export function formatJunit(report: Report): string {
  const s = report.summary;
  const counts = `tests="${s.checks}" failures="${s.failed}" errors="${s.errors}" skipped="${s.nondifferentiable}" time="${seconds(report.durationMs)}"`;
  const cases = report.checks.map((c) => testcase(report, c)).join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="gradproof" ${counts}>`,
    `  <testsuite name="gradproof" ${counts} timestamp="${attr(report.startedAt)}">`,
    // An interrupted run says so where CI viewers show a suite's properties.
    ...(report.incomplete ? ['    <properties><property name="incomplete" value="true: the run was stopped early"/></properties>'] : []),
    cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
