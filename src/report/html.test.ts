import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { heatColour, formatHtml } from './html.js';
import { constructedReport, HOSTILE_INPUT, sampleReport } from './sample.fixture.js';

describe('HTML report (as text)', () => {
  const report = sampleReport();
  const html = formatHtml(report);

  test('a fast-mode run states what its sensitivity means above the table; a weak pass gets a note under its name', () => {
    const report = constructedReport();
    expect(formatHtml(report)).not.toMatch(/Fast mode:|passed with sensitivity/);
    report.config = { ...report.config, mode: 'fast', probes: 4, missProbability: 1e-3 };
    report.checks[0] = { ...report.checks[0], sensitivity: 5 };
    const html = formatHtml(report);
    expect(html).toContain('<p class="notice dim">Fast mode: 4 random probes per input; a pass&#39;s sensitivity');
    expect(html).toMatch(/<span class="name">example-1\/linear-map<\/span><div class="notice dim">passed with sensitivity 5\.0e\+0/);
  });

  test("escapes every name from a user's spec", () => {
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;/script&gt;&lt;img src=y onerror=alert(2)&gt;');
    // In the hover data an input's name is JSON with <, > and & as \\u escapes: it cannot close the script element.
    const data = [...html.matchAll(/<script type="application\/json" class="hover-data">([^<]*)<\/script>/g)].map((m) => JSON.parse(m[1]));
    expect(data.some((d) => d.groups.some((g: { input: string }) => g.input === HOSTILE_INPUT))).toBe(true);
  });

  test('draws one heatmap set, of three heatmaps, per failing check with Jacobians', () => {
    const failing = report.checks.filter((c) => c.status === 'fail' && c.counterexample?.jacobians);
    expect(failing.length).toBeGreaterThanOrEqual(4);
    expect(html.match(/class="heatmap-set"/g)).toHaveLength(failing.length);
    expect(html.match(/<svg [^>]*class="heatmap"/g)).toHaveLength(3 * failing.length);
  });

  test('downsamples a 40×60 Jacobian to at most 40×40 cells per heatmap', () => {
    const i = report.checks.findIndex((c) => c.name.startsWith('big Jacobian'));
    const set = html.slice(html.indexOf(`data-check="${i}"`));
    const firstSvg = set.slice(0, set.indexOf('</svg>'));
    const cells = firstSvg.slice(firstSvg.indexOf('<g class="cells"')).match(/<rect /g) ?? [];
    expect(cells.length).toBeLessThanOrEqual(40 * 40);
    expect(cells.length).toBeLessThan(40 * 60);
    expect(set).toContain('drawn as 40 × 30 blocks');
  });

  test('fetches nothing: no external URL, and a Content-Security-Policy that allows only its own script', () => {
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:|\/\/)/i);
    expect(html).not.toMatch(/url\(\s*["']?(https?:|\/\/)/i);
    expect(html).not.toMatch(/@import|<link|<iframe|<object|<embed/i);
    const csp = /content="default-src 'none'; style-src 'unsafe-inline'; script-src '(sha256-[^']+)'"/.exec(html);
    expect(csp).not.toBeNull();
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    expect(scripts).toHaveLength(1);
    expect(`sha256-${createHash('sha256').update(scripts[0]).digest('base64')}`).toBe(csp![1]);
  });

  test('shows errors and nondifferentiable checks with their message, and no section for a pass', () => {
    const text = formatHtml(constructedReport());
    expect(text).toContain('gradient threw: boom &amp; &lt;bust&gt;');
    expect(text).toContain('201 of 201 inputs sat at a kink');
    expect(text).not.toContain('id="check-0"');
    expect(text).toContain('<span class="hint">scaled</span> analytic = 2 × numeric');
  });

  test('the colour scale is blue for negative, white at zero, red for positive, and grey for NaN', () => {
    expect(heatColour(-1, 1)).toBe('rgb(33,102,172)');
    expect(heatColour(0, 1)).toBe('rgb(247,247,247)');
    expect(heatColour(5, 1)).toBe('rgb(178,24,43)');
    expect(heatColour(NaN, 1)).toBe('#3a3a3a');
    expect(heatColour(0, 0)).toBe('rgb(247,247,247)');
  });
});
