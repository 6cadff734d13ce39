import { Ajv2020, type AnySchema } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { formatJson } from './json.js';
import type { Report } from './model.js';
import { constructedReport, sampleReport } from './sample.fixture.js';

const schema = JSON.parse(readFileSync(new URL('../../schema/report.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;

function validator(s: AnySchema) {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  return ajv.compile(s);
}

/** The schema with every described object closed: a field the writer emits but the schema does not describe fails. */
function closed(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closed);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, closed(s)])) : closed(v);
  // config stays open: its fields are whatever the command was given.
  if (out.type === 'object' && out.properties && !('additionalProperties' in out) && !String(out.description ?? '').includes('Free-form')) out.additionalProperties = false;
  return out;
}

const viaJson = (r: Report) => JSON.parse(formatJson(r)) as Record<string, unknown>;

describe('the JSON report against schema/report.schema.json', () => {
  const real = viaJson(sampleReport());
  const validate = validator(schema);
  const validateClosed = validator(closed(schema) as AnySchema);

  test('a real report (passes, failures, an error, a nondifferentiable check) is valid', () => {
    expect(validate(real), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(viaJson(constructedReport())), JSON.stringify(validate.errors)).toBe(true);
  });

  test('the schema describes every field the writer emits', () => {
    expect(validateClosed(real), JSON.stringify(validateClosed.errors)).toBe(true);
    expect(validateClosed(viaJson(constructedReport())), JSON.stringify(validateClosed.errors)).toBe(true);
  });

  test('a field the schema does not describe is caught by the closed schema, and allowed by the shipped one', () => {
    const r = viaJson(constructedReport());
    (r.checks as Array<Record<string, any>>)[1].counterexample.undocumented = 1;
    expect(validateClosed(r)).toBe(false);
    expect(validate(r)).toBe(true);
  });

  test('non-finite numbers, written as null, are valid', () => {
    const r = viaJson(constructedReport());
    const checks = r.checks as Array<Record<string, unknown>>;
    checks[2].counterexample = { inputs: { x: { shape: [1], data: [null] } }, wrt: ['x'], maxAbsError: null, maxRelError: null, entries: [] };
    expect(validate(r), JSON.stringify(validate.errors)).toBe(true);
  });

  test.each([
    ['an unknown status', (r: Record<string, any>) => (r.checks[0].status = 'ok')],
    ['an unknown hint', (r: Record<string, any>) => (r.checks[1].hints = ['backwards'])],
    ['another schemaVersion', (r: Record<string, any>) => (r.schemaVersion = 2)],
    ['a missing summary', (r: Record<string, any>) => delete r.summary],
    ['a negative count', (r: Record<string, any>) => (r.summary.failed = -1)],
    ['an entry without its analytic value', (r: Record<string, any>) => delete r.checks[1].counterexample.entries[0].analytic],
  ])('a report with %s is rejected', (_what, spoil) => {
    const r = viaJson(constructedReport());
    spoil(r);
    expect(validate(r)).toBe(false);
  });
});
