import { describe, expect, test } from 'vitest';
import { escapeMarkdown, markdownFence } from './escape.js';
import { errorMatrix, formatMarkdown, windowAround } from './markdown.js';
import { buildReport } from './model.js';
import { BIG_WRONG, bigJacobian, constructedReport, HOSTILE_NAME, hostile, runSamples, scaledCheck } from './sample.fixture.js';

/** The cells of a Markdown table row, split on unescaped pipes. */
const cells = (row: string) => row.replace(/\\\|/g, '').split('|').length;

describe('Markdown report', () => {
  test('a fast-mode run says what its sensitivity means; a weak pass gets a note', () => {
    const report = constructedReport();
    expect(formatMarkdown(report)).not.toMatch(/Fast mode:|passed with sensitivity/);
    report.config = { ...report.config, mode: 'fast', probes: 2, missProbability: 0.01 };
    report.checks[0] = { ...report.checks[0], sensitivity: 0.3 };
    const text = formatMarkdown(report);
    expect(text).toContain('- Fast mode: 2 random probes per input; a pass\'s sensitivity is the error size, relative to the largest entry, that the probes miss with probability at most 0.01 per input');
    expect(text).toContain('- Note on example-1/linear-map: passed with sensitivity 3.0e-1');
  });

  test('starts with a summary table, one row per check, with the same number of columns throughout', () => {
    const text = formatMarkdown(constructedReport());
    const lines = text.split('\n');
    expect(lines[0]).toBe('## ❌ gradproof: 1 of 4 checks failed, 1 error, 1 with too few smooth inputs (most at a kink)');
    const table = lines.filter((l) => l.startsWith('| ') && lines.indexOf(l) < lines.findIndex((x) => x.startsWith('### ')));
    expect(table).toHaveLength(1 + 4);
    expect(new Set(table.map(cells)).size).toBe(1);
  });

  test('a failure section gives the hint, the worst entries and a small error matrix', () => {
    const text = formatMarkdown(constructedReport());
    expect(text).toContain('### ❌ example-2/scaled');
    expect(text).toContain('- **Hint: scaled** — analytic = 2 × numeric');
    // The counterexample's values, as the console shows them.
    expect(text).toMatch(/Counterexample \(found at input \d+.*\): x = `\[0\.5, -1\]` \(2\)/);
    expect(text).toContain('| ∂out\\[1\\]/∂x\\[1\\] | 4 | 2 | 2.0e+0 | 5.0e-1 |');
    // analytic − numeric = numeric for a doubled Jacobian: [[1.5, -0.5], [0.25, 2]], worst (2) in bold.
    expect(text).toContain('| out\\[0\\] | 1.5e+0 | -5.0e-1 |');
    expect(text).toContain('| out\\[1\\] | 2.5e-1 | **2.0e+0** |');
    expect(text).toContain('```sh\ngradproof catalog --filter example-2/scaled --seed 1234 --path 6:0\n```');
    expect(text).toContain('### 💥 example-3/throws\n\ngradient threw: boom &amp; &lt;bust&gt;');
  });

  test('a large Jacobian shows an 8×8 window that holds its worst entry', () => {
    const [big] = runSamples([bigJacobian]);
    const matrix = errorMatrix(big.counterexample!.jacobians![0], 8);
    const rows = matrix.split('\n');
    expect(rows[0]).toContain(`x[${BIG_WRONG.in}]`.replace(/[[\]]/g, (c) => `\\${c}`));
    const worstRow = rows.find((r) => r.startsWith(`| out\\[${BIG_WRONG.out}\\]`));
    expect(worstRow).toMatch(/\*\*5\.0e-1\*\*/);
    // header, alignment, an elision row above and below, and 8 rows
    expect(rows).toHaveLength(2 + 8 + 2);
    expect(new Set(rows.map(cells)).size).toBe(1);
  });

  test("a spec's name cannot inject markup", () => {
    const text = formatMarkdown(buildReport(runSamples([hostile]), { startedAt: new Date(), version: '0' }));
    const outsideCode = text.replace(/```sh\n[^\n]*\n```/g, '');
    expect(outsideCode).not.toContain('<img');
    expect(outsideCode).toContain('&lt;img src=x onerror=alert(1)&gt;');
    // Inside the replay code block (shown literally) the name is shell-quoted.
    expect(text).toContain(`--filter '${HOSTILE_NAME}'`);
  });

  test('escapes what Markdown would read as markup', () => {
    expect(escapeMarkdown('a|b *c* _d_ [e](f) `g`')).toBe('a\\|b \\*c\\* \\_d\\_ \\[e\\](f) \\`g\\`');
    expect(escapeMarkdown('# title')).toBe('\\# title');
    expect(escapeMarkdown('1. item')).toBe('1\\. item');
    expect(escapeMarkdown('line\nbreak')).toBe('line break');
    expect(markdownFence('has ``` inside')).toBe('````');
  });

  test('a window of the error matrix is centred on the worst entry where it fits', () => {
    expect(windowAround(5, 8, 3)).toEqual([0, 5]);
    expect(windowAround(60, 8, 47)).toEqual([43, 51]);
    expect(windowAround(60, 8, 1)).toEqual([0, 8]);
    expect(windowAround(60, 8, 59)).toEqual([52, 60]);
  });

  test('a passing run says so in its title', () => {
    const r = constructedReport();
    const pass = buildReport([r.checks[0]], { startedAt: new Date(), version: '0' });
    expect(formatMarkdown(pass).split('\n')[0]).toBe('## ✅ gradproof: The check passed');
    expect(formatMarkdown(pass)).not.toContain('###');
    expect(scaledCheck().status).toBe('fail');
  });
});
