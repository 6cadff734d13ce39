import type { HintKind } from './types.js';
import { describeValue, formatShape, isTensor, toTensor, type Tensor, type TensorLike } from '../tensor/index.js';

/** A problem with the user's function or derivative that ends a check with an `error` verdict. */
export class UserCodeError extends Error {
  override name = 'UserCodeError';
  constructor(
    message: string,
    /** The stack of the user's own exception behind it, when there was one (shown with --debug). */
    readonly userStack?: string,
  ) {
    super(message);
  }
}

/** A derivative of the wrong shape: ends a check with a `fail` verdict and shape hints. */
export class ShapeMismatch extends Error {
  override name = 'ShapeMismatch';
  constructor(
    message: string,
    readonly hints: HintKind[],
  ) {
    super(message);
  }
}

/** The first stack frame of an error, as "file:line:col", or '' when there is none. */
export function firstFrame(error: unknown): string {
  if (!(error instanceof Error) || typeof error.stack !== 'string') return '';
  const line = error.stack.split('\n').find((l) => /^\s+at /.test(l));
  if (!line) return '';
  const m = /\(([^()]+)\)\s*$/.exec(line) ?? /at (.+)$/.exec(line);
  if (!m) return '';
  // file:///abs/spec.ts?tsx-namespace=…:7:8 (a module loaded through tsx) reads as spec.ts:7:8 from here.
  const frame = m[1].trim().replace(/\?[^:?]*(?=:\d+:\d+$)/, '');
  const file = /^file:\/\/(.*?)(:\d+:\d+)$/.exec(frame);
  if (!file) return frame;
  const path = decodeURIComponent(file[1]);
  const cwd = process.cwd() + '/';
  return (path.startsWith(cwd) ? path.slice(cwd.length) : path) + file[2];
}

// gradproof's own source (or build) directory: frames in it are the harness calling the user's code.
// (Frames name ES modules by file URL, %-encoded, and others by plain path: either form counts.)
const OWN_URL = new URL('..', import.meta.url);
const OWN_DIRS = [decodeURIComponent(OWN_URL.pathname), OWN_URL.href];

/** A user's stack trace down to where gradproof called it, tsx's module query strings removed. */
export function userStack(stack: string): string {
  const lines = stack.split('\n');
  const own = lines.findIndex((l) => /^\s+at /.test(l) && OWN_DIRS.some((d) => l.includes(d)));
  return (own > 0 ? lines.slice(0, own) : lines).map((l) => l.replace(/\?tsx-namespace=[^:)]*/, '')).join('\n');
}

/** A thrown value that is not an Error, in words: its JSON when it has one (cut at 80 characters). */
function thrownObject(value: object): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  if (json === undefined || json === '{}') return describeValue(value);
  return json.length > 80 ? `${json.slice(0, 79)}…` : json;
}

/** Calls user code, turning a throw into a UserCodeError that names what was called. */
export function callUser<T>(what: string, fn: () => T): T {
  let result: T;
  try {
    result = fn();
  } catch (error) {
    if (error instanceof UserCodeError || error instanceof ShapeMismatch) throw error;
    const msg = error instanceof Error ? error.message : typeof error === 'object' && error !== null ? thrownObject(error) : String(error);
    const frame = firstFrame(error);
    throw new UserCodeError(`${what} threw: ${msg.split('\n')[0]}${frame ? ` (at ${frame})` : ''}`, error instanceof Error && typeof error.stack === 'string' ? userStack(error.stack) : undefined);
  }
  if (result instanceof Promise) {
    throw new UserCodeError(`${what} returned a Promise; gradproof checks synchronous functions`);
  }
  return result;
}

/** Converts a user's return value to a tensor, or throws a UserCodeError saying what came back. */
export function asTensor(what: string, value: unknown): Tensor {
  try {
    return toTensor(value as TensorLike);
  } catch {
    throw new UserCodeError(`${what} returned ${describeValue(value)}, expected a Tensor, number, number[], number[][] or Matrix`);
  }
}

/** Throws a UserCodeError naming the first non-finite entry of a tensor. */
export function assertFinite(what: string, t: Tensor | Float64Array, shape?: readonly number[]): void {
  const data = isTensor(t) ? t.data : t;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const sh = isTensor(t) ? t.shape : shape;
      throw new UserCodeError(`${what} returned ${String(data[i])} at index ${i}${sh ? ` of shape ${formatShape(sh)}` : ''}`);
    }
  }
}
