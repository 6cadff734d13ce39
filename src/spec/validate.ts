import fc from 'fast-check';
import { z } from 'zod';
import { inputOptions, inputSetProblems, isConstantInput, type DimDecl, type InputDecl } from '../arbitraries/input-set.js';
import { closest, show } from './describe.js';
import { SpecError } from './spec-error.js';
import type { UserSpec } from './types.js';

const DERIVATIVES = ['jacobian', 'gradient', 'vjp', 'jvp'] as const;
const SPEC_FIELDS = ['name', 'dims', 'inputs', 'wrt', 'f', ...DERIVATIVES, 'tolerance', 'precision'];
const INPUT_FIELDS = ['shape', 'range', 'oneHot', 'constant', 'awayFrom', 'margin'];

/** A leaf check with a message of the form "<field> must …, got …" ("<field> is missing" when absent). */
function leaf<T>(test: (v: unknown) => boolean, must: string) {
  return z.custom<T>(test, { error: (iss) => (iss.input === undefined ? 'is missing' : `must be ${must}, got ${show(iss.input)}`) });
}

const isWhole = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isFinite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isFunction = (v: unknown) => typeof v === 'function';
const isPair = (test: (v: unknown) => boolean) => (v: unknown) => Array.isArray(v) && v.length === 2 && v.every(test);
const objectError = (what: string) => ({ error: (iss: { input: unknown }) => (iss.input === undefined ? 'is missing' : `must be ${what}, got ${show(iss.input)}`) });

const dimSchema = leaf((v) => isWhole(v) || isPair(isWhole)(v), 'a whole number ≥ 0 or a [min, max] pair of whole numbers');
const shapeSchema = z.array(
  leaf((v) => isWhole(v) || (typeof v === 'string' && v.length > 0), 'a dimension name or a whole number ≥ 0'),
  objectError('an array of dimension names or whole numbers'),
);
const inputSchema = z.preprocess(
  (v) => (Array.isArray(v) ? { shape: v } : v),
  z.strictObject(
    {
      shape: shapeSchema,
      range: leaf(isPair(isFinite), 'a [min, max] pair of finite numbers').optional(),
      oneHot: leaf((v) => typeof v === 'boolean', 'true or false').optional(),
      constant: leaf((v) => typeof v === 'boolean', 'true or false').optional(),
      awayFrom: leaf((v) => Array.isArray(v) && v.every(isFinite), 'an array of finite numbers').optional(),
      margin: leaf((v) => isFinite(v) && v > 0, 'a finite number > 0').optional(),
    },
    objectError('a shape array or an object { shape, range?, oneHot?, constant?, awayFrom?, margin? }'),
  ),
);
const inputsSchema = z.record(z.string(), inputSchema, objectError('an object of named input shapes or a fast-check arbitrary'));
const toleranceField = leaf((v) => isFinite(v) && v >= 0, 'a finite number ≥ 0').optional();

const specSchema = z.strictObject(
  {
    name: leaf((v) => typeof v === 'string' && v.trim().length > 0, 'a non-empty string'),
    dims: z.record(z.string(), dimSchema, objectError('an object of named dimensions, e.g. { m: [1, 8] }')).optional(),
    inputs: z.unknown(),
    wrt: z.array(leaf((v) => typeof v === 'string', 'an input name'), objectError('an array of input names')).optional(),
    f: leaf(isFunction, 'a function'),
    jacobian: leaf(isFunction, 'a function').optional(),
    gradient: leaf(isFunction, 'a function').optional(),
    vjp: leaf(isFunction, 'a function').optional(),
    jvp: leaf(isFunction, 'a function').optional(),
    tolerance: z.strictObject({ atol: toleranceField, rtol: toleranceField }, objectError('an object { atol?, rtol? }')).optional(),
    precision: leaf((v) => v === 'float64' || v === 'float32', '"float64" or "float32"').optional(),
  },
  objectError('a spec object { name, inputs, f, and one of jacobian, gradient, vjp, jvp }'),
);

/** True when a value is a fast-check arbitrary (from this or another copy of fast-check). */
export function isArbitrary(value: unknown): value is fc.Arbitrary<unknown> {
  if (value instanceof fc.Arbitrary) return true;
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.generate === 'function' && typeof v.shrink === 'function' && typeof v.canShrinkWithoutContext === 'function';
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

function formatIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): string[] {
  return issues.map((iss) => {
    const path = formatPath([...prefix, ...iss.path]);
    if (iss.code === 'unrecognized_keys') {
      const known = path === '' ? SPEC_FIELDS : path.endsWith('tolerance') ? ['atol', 'rtol'] : INPUT_FIELDS;
      const names = iss.keys.map((k) => {
        const guess = closest(k, known);
        return `"${k}"${guess ? ` (did you mean "${guess}"?)` : ''}`;
      });
      return `${path ? `${path} has` : 'has'} unknown field${names.length > 1 ? 's' : ''} ${names.join(', ')}`;
    }
    return path ? `${path} ${iss.message}` : iss.message;
  });
}

/** Every problem of a would-be spec, one "field problem" phrase each; empty when the spec is valid. */
export function specProblems(value: unknown): string[] {
  const parsed = specSchema.safeParse(value);
  const problems = parsed.success ? [] : formatIssues(parsed.error.issues);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return problems;
  const spec = value as Record<string, unknown>;

  const given = DERIVATIVES.filter((k) => spec[k] !== undefined);
  if (given.length === 0) problems.push('gives no derivative: add exactly one of jacobian, gradient, vjp, jvp');
  if (given.length > 1) problems.push(`gives ${given.join(' and ')}: keep exactly one derivative form`);

  const inputs = spec.inputs;
  const wrt = Array.isArray(spec.wrt) ? (spec.wrt as unknown[]) : undefined;
  if (wrt && wrt.length === 0) problems.push('wrt is empty: name at least one input to differentiate (or leave wrt out)');
  const dupes = wrt?.filter((w, i) => wrt.indexOf(w) !== i) ?? [];
  if (dupes.length > 0) problems.push(`wrt names ${dupes.map((d) => show(d)).join(', ')} more than once`);
  // Dims that are malformed were reported above; the checks below treat them as [1, 1] so that shapes naming
  // them do not also count as naming an unknown dimension.
  const dims: Record<string, DimDecl> | undefined =
    typeof spec.dims === 'object' && spec.dims !== null && !Array.isArray(spec.dims)
      ? Object.fromEntries(Object.entries(spec.dims).map(([k, v]) => [k, dimSchema.safeParse(v).success ? (v as DimDecl) : 1]))
      : undefined;
  if (inputs === undefined) {
    problems.push('inputs is missing');
    problems.push(...inputSetProblems({ dims, inputs: {} }));
  } else if (isArbitrary(inputs)) {
    if (spec.dims !== undefined) problems.push('dims is set, but inputs is a fast-check arbitrary: dims only apply to inputs declared by shape');
  } else {
    const declared = inputsSchema.safeParse(inputs);
    if (!declared.success) problems.push(...formatIssues(declared.error.issues, ['inputs']));
    const isRecord = typeof inputs === 'object' && inputs !== null && !Array.isArray(inputs);
    const entries = isRecord ? Object.entries(inputs as Record<string, unknown>) : [];
    // Relations are checked on the inputs that are well formed (the others were reported above).
    const decls = Object.fromEntries(entries.filter(([, v]) => inputSchema.safeParse(v).success)) as Record<string, InputDecl>;
    if (isRecord && entries.length === 0) problems.push('inputs is empty: declare at least one input');
    problems.push(...inputSetProblems({ dims, inputs: decls }));
    if (isRecord) {
      const names = entries.map(([k]) => k);
      const constant = names.filter((n) => n in decls && isConstantInput(decls[n]));
      for (const w of wrt ?? []) {
        if (typeof w !== 'string') continue;
        if (!names.includes(w)) {
          const guess = closest(w, names);
          problems.push(`wrt names "${w}", which is not an input (${names.join(', ')})${guess ? `; did you mean "${guess}"?` : ''}`);
        } else if (constant.includes(w)) {
          problems.push(`wrt names "${w}", which is held constant (${inputOptions(decls[w]).oneHot ? 'oneHot' : 'constant: true'})`);
        }
      }
      if (wrt === undefined && names.length > 0 && constant.length === names.length) problems.push('every input is held constant: nothing to differentiate');
    }
  }
  return problems;
}

/** A label for a spec in messages: its name in quotes, or the fallback when it has no usable name. */
export function specLabel(value: unknown, fallback: string): string {
  const name = typeof value === 'object' && value !== null ? (value as { name?: unknown }).name : undefined;
  return typeof name === 'string' && name.trim() ? JSON.stringify(name) : fallback;
}

/** Returns the value as a UserSpec, or throws a SpecError naming the spec and every problem. */
export function validateSpec(value: unknown, options: { where?: string; label?: string } = {}): UserSpec {
  const problems = specProblems(value);
  if (problems.length > 0) throw new SpecError(specLabel(value, options.label ?? '(unnamed)'), problems, options.where);
  return value as UserSpec;
}
