import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, test } from 'vitest';
import type { CheckResult } from '../property/types.js';
import { escapeXml } from './escape.js';
import { formatJunit } from './junit.js';
import { buildReport } from './model.js';
import { constructedReport, HOSTILE_NAME } from './sample.fixture.js';

const parse = (xml: string) => new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', processEntities: true, htmlEntities: true }).parse(xml);

describe('JUnit report', () => {
  test('is well-formed XML with one testcase per check and the suite counts', () => {
    const xml = formatJunit(constructedReport());
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = parse(xml);
    expect(doc.testsuites).toMatchObject({ tests: '4', failures: '1', errors: '1', skipped: '1' });
    const cases = doc.testsuites.testsuite.testcase;
    expect(cases.map((c: { name: string }) => c.name)).toEqual(['example-1/linear-map', 'example-2/scaled', 'example-3/throws', 'example-4/abs']);
    expect(cases[0].failure).toBeUndefined();
    expect(cases[1].failure.type).toBe('scaled');
    expect(cases[1].failure.message).toContain('worst ∂out[1]/∂x[1]: analytic 4, numeric 2');
    expect(cases[1].failure['#text']).toContain('replay: gradproof catalog --filter example-2/scaled --seed 1234 --path 6:0');
    expect(cases[2].error.message).toBe('gradient threw: boom & <bust>');
    expect(cases[3].skipped.message).toContain('kink');
  });

  test('names with markup, quotes, control characters and CDATA ends round-trip through a real XML parser', () => {
    const nasty = `${HOSTILE_NAME} "q" 'a' & ]]> \u0001\u0007 tab\there`;
    const base = constructedReport().checks[1];
    const check: CheckResult = { ...base, name: nasty, message: 'line one\nline two' };
    const xml = formatJunit(buildReport([check], { startedAt: new Date(), version: '0' }));
    expect(XMLValidator.validate(xml)).toBe(true);
    const tc = parse(xml).testsuites.testsuite.testcase;
    // The two control characters XML cannot hold become U+FFFD; everything else comes back as it was.
    expect(tc.name).toBe(`${HOSTILE_NAME} "q" 'a' & ]]> \uFFFD\uFFFD tab\there`);
    expect(xml).not.toContain('<img');
  });

  test("a module's checks are classed by its path, dotted as CI viewers split it", () => {
    const check: CheckResult = { ...constructedReport().checks[0], source: 'specs/dense.grad.ts' };
    const tc = parse(formatJunit(buildReport([check], { startedAt: new Date(), version: '0', config: { command: 'check' } }))).testsuites.testsuite.testcase;
    expect(tc.classname).toBe('gradproof.specs.dense_grad_ts');
    expect(parse(formatJunit(constructedReport())).testsuites.testsuite.testcase[0].classname).toMatch(/^gradproof\.[\w-]+$/);
  });

  test('attribute escaping covers every special character', () => {
    expect(escapeXml(`<a href="x">&'\n`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&#10;');
    expect(escapeXml('\uD800 lone surrogate')).toBe('\uFFFD lone surrogate');
  });
});
