// A check's notice (say, a Jacobian over --max-jacobian-entries, streamed) reaches every report a person reads.
import { describe, expect, test } from 'vitest';
import { formatConsoleReport } from './console.js';
import { formatHtml } from './html.js';
import { formatMarkdown } from './markdown.js';
import { buildReport } from './model.js';
import { runSamples, linearMap, transposedJacobian } from './sample.fixture.js';

const NOTE = 'the full Jacobian has 90000 entries, over the budget of 10000 (--max-jacobian-entries): streamed <column> by column';

function reportWithNotices() {
  const [pass, fail] = runSamples([linearMap, transposedJacobian], 10);
  expect(pass.status).toBe('pass');
  expect(fail.status).toBe('fail');
  return buildReport([{ ...pass, notice: NOTE }, { ...fail, notice: NOTE }], { startedAt: new Date('2025-01-01T12:00:00Z'), version: '0.1.0' });
}

describe('notices in the reports', () => {
  test('console: under the failing check, and as a note line for the passing one', () => {
    const text = formatConsoleReport(reportWithNotices());
    expect(text.split('\n').filter((l) => l.includes(NOTE))).toHaveLength(2);
    expect(text).toMatch(new RegExp(`note: ${linearMap.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
  });

  test('Markdown: a note for the passing check and one in the failing check section', () => {
    const text = formatMarkdown(reportWithNotices());
    expect(text).toContain('- Note on ');
    expect(text).toMatch(/^Note: /m);
  });

  test('HTML: escaped, under the passing check in the summary and in the failing check section', () => {
    const html = formatHtml(reportWithNotices());
    expect(html.split('streamed &lt;column&gt; by column').length - 1).toBe(2);
    expect(html).not.toContain('streamed <column>');
  });
});
