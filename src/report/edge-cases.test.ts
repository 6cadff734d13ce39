import fc from 'fast-check';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, test } from 'vitest';
import { tensorOf } from '../arbitraries/index.js';
import { runProperty } from '../property/index.js';
import { tensor } from '../tensor/index.js';
import { formatConsoleReport } from './console.js';
import { formatHtml } from './html.js';
import { formatJunit } from './junit.js';
import { formatMarkdown } from './markdown.js';
import { buildReport } from './model.js';

describe('writers on edge cases', () => {
  test('a derivative of the wrong shape is reported with its message and hint, without heatmaps', () => {
    // z = W x with W 2×3: ∂z/∂x is 2×3, the spec returns Wᵀ (3×2).
    const result = runProperty(
      {
        name: 'wrong shape',
        inputs: fc.record({ W: tensorOf([2, 3]), x: tensorOf([3]) }),
        wrt: ['x'],
        f: ({ W, x }) => tensor([2], [0, 1].map((i) => [0, 1, 2].reduce((s, j) => s + W.data[i * 3 + j] * x.data[j], 0))),
        jacobian: ({ W }) => tensor([3, 2], [0, 1, 2].flatMap((j) => [W.data[j], W.data[3 + j]])),
      },
      { runs: 5, seed: 3 },
    );
    expect(result.status).toBe('fail');
    const report = buildReport([result], { startedAt: new Date(), version: '0', config: { command: 'catalog' } });
    const text = formatConsoleReport(report);
    expect(text).toMatch(/FAIL wrong shape\n  jacobian .*shape \[3, ?2\].*transpose/);
    expect(text).toContain('  hint: shape-mismatch\n  hint: transposed\n');
    const html = formatHtml(report);
    expect(html).not.toContain('class="heatmap-set"');
    expect(html).toContain('<span class="hint">transposed</span>');
    expect(formatMarkdown(report)).toContain('**Hint: shape-mismatch**');
  });

  test('a run with no checks still gives valid, sensible reports', () => {
    const report = buildReport([], { startedAt: new Date(), version: '0' });
    expect(formatConsoleReport(report)).toContain('0 checks: 0 passed');
    expect(formatMarkdown(report).split('\n')[0]).toBe('## ✅ gradproof: All 0 checks passed');
    expect(XMLValidator.validate(formatJunit(report))).toBe(true);
    expect(formatHtml(report)).toContain('All 0 checks passed');
  });
});
