import { describe, expect, test } from 'vitest';
import { runProperty } from '../property/index.js';
import { formatConsoleReport, formatFailure, inlineTensor, type Paint } from './console.js';
import { buildReport } from './model.js';
import { constructedReport, HOSTILE_NAME, hostile, runSamples, scaledCheck, transposedJacobian } from './sample.fixture.js';

const marks: Paint = { pass: (s) => `<pass>${s}</pass>`, fail: (s) => `<fail>${s}</fail>`, warn: (s) => `<warn>${s}</warn>`, dim: (s) => s, bold: (s) => s };

describe('console report', () => {
  test('a failure lists its worst entries as analytic vs numeric vs error, its hint, and how to replay it', () => {
    const text = formatFailure(scaledCheck(), { command: 'catalog' });
    const lines = text.split('\n');
    expect(lines[0]).toBe('FAIL example-2/scaled');
    expect(text).toContain('4 of 4 Jacobian entries wrong');
    // The worst entry ∂out[1]/∂x[1]: analytic 4 against numeric 2, off by 2, relatively 2/4.
    expect(lines.find((l) => l.startsWith('  ∂out[1]/∂x[1]'))?.trim().split(/\s+/)).toEqual(['∂out[1]/∂x[1]', '4', '2', '2.0e+0', '5.0e-1']);
    expect(text).toContain('hint: scaled — analytic = 2 × numeric');
    expect(text).toContain('x = [0.5, -1]  (2, differentiated)');
    expect(lines[lines.length - 1]).toBe('  replay: gradproof catalog --filter example-2/scaled --seed 1234 --path 6:0');
  });

  test('an error and a nondifferentiable check show their one-line message', () => {
    const text = formatConsoleReport(constructedReport());
    expect(text).toContain('ERROR example-3/throws\n  gradient threw: boom & <bust>');
    expect(text).toContain('NONDIFFERENTIABLE example-4/abs\n  201 of 201 inputs sat at a kink');
    expect(text).not.toContain('PASS example-1/linear-map');
    expect(text).toContain('4 checks: 1 passed, 1 failed, 1 nondifferentiable, 1 error');
  });

  test('a pass whose sensitivity is above 1e-2 is called out under the table; a sharp one is not', () => {
    const report = constructedReport();
    expect(formatConsoleReport(report)).not.toContain('passed with sensitivity');
    report.checks[0] = { ...report.checks[0], name: 'softmax, large logits', sensitivity: 2.4e4 };
    expect(formatConsoleReport(report)).toContain('note: softmax, large logits: passed with sensitivity 2.4e+4: at some input an error of that size');
    expect(formatConsoleReport(report)).not.toContain('Fast mode:');
    report.config = { ...report.config, mode: 'fast', probes: 4, missProbability: 1e-3 };
    expect(formatConsoleReport(report)).toContain('Fast mode: 4 random probes per input; a pass\'s sensitivity is the error size, relative to the largest entry, that the probes miss with probability at most 0.001 per input.');
  });

  test('colour comes only from the Paint given at the edge', () => {
    const report = constructedReport();
    expect(formatConsoleReport(report)).not.toMatch(/\x1b\[/);
    const painted = formatConsoleReport(report, marks);
    expect(painted).toContain('<fail>FAIL</fail> example-2/scaled');
    expect(painted).toContain('<warn>NONDIFFERENTIABLE</warn>');
  });

  test('the printed replay command reproduces the same counterexample', () => {
    const [result] = runSamples([transposedJacobian]);
    expect(result.status).toBe('fail');
    const text = formatFailure(result, { command: 'catalog' });
    const m = /--seed (\d+) --path ([\d:]+)/.exec(text);
    expect(m).not.toBeNull();
    const replayed = runProperty(transposedJacobian, { seed: Number(m![1]), path: m![2] });
    expect(replayed.status).toBe('fail');
    expect(replayed.counterexample?.inputs).toEqual(result.counterexample?.inputs);
    // Wᵀ in place of W: the wrong entries are off the diagonal, labelled ∂out[i]/∂x[j] with i ≠ j.
    const labels = [...text.matchAll(/∂out\[(\d)\]\/∂x\[(\d)\]/g)];
    expect(labels.length).toBeGreaterThan(0);
    for (const [, i, j] of labels) expect(i).not.toBe(j);
  });

  test("a spec's name is printed as it is, whatever it holds", () => {
    const report = buildReport(runSamples([hostile]), { startedAt: new Date(), version: '0' });
    expect(formatConsoleReport(report)).toContain(`FAIL ${HOSTILE_NAME}`);
  });

  test('a tensor prints on one line, clipped per dimension', () => {
    expect(inlineTensor({ shape: [], data: [2.5] })).toBe('2.5');
    expect(inlineTensor({ shape: [2, 2], data: [1, 2, 3, 4] })).toBe('[[1, 2], [3, 4]]');
    expect(inlineTensor({ shape: [8], data: [0, 1, 2, 3, 4, 5, 6, 7] }, 3)).toBe('[0, 1, 2, … 5 more]');
  });
});
