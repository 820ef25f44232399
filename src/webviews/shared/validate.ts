/**
 * Hand-written validators for messages coming from a webview. A webview is untrusted input: each check
 * returns a fresh value holding only the expected fields, or throws InvalidMessageError naming the bad field
 * (never echoing its content). No `vscode` import, so unit tests run in plain Node.
 */
import { LIMITS } from './protocol';

export class InvalidMessageError extends Error {
  readonly code = 'InvalidMessage';
  constructor(where: string, what: string) {
    super(`Invalid message from the panel: ${where} ${what}.`);
    this.name = 'InvalidMessageError';
  }
}

export type Check<T> = (v: unknown, where: string) => T;
export type Checked<C> = C extends Check<infer T> ? T : never;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function str(opts: { min?: number; max?: number; pattern?: RegExp; what?: string } = {}): Check<string> {
  const max = opts.max ?? LIMITS.shortText;
  return (v, where) => {
    if (typeof v !== 'string') throw new InvalidMessageError(where, 'must be a string');
    if (v.length > max) throw new InvalidMessageError(where, `is longer than ${max} characters`);
    if (v.length < (opts.min ?? 0)) throw new InvalidMessageError(where, v.length ? `is shorter than ${opts.min} characters` : 'is empty');
    if (v.includes('\0')) throw new InvalidMessageError(where, 'contains a NUL character');
    if (opts.pattern && !opts.pattern.test(v)) throw new InvalidMessageError(where, `is not ${opts.what ?? 'in the expected form'}`);
    return v;
  };
}

export function int(min: number, max: number): Check<number> {
  return (v, where) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new InvalidMessageError(where, 'must be an integer');
    if (v < min || v > max) throw new InvalidMessageError(where, `must be between ${min} and ${max}`);
    return v;
  };
}

export const bool: Check<boolean> = (v, where) => {
  if (typeof v !== 'boolean') throw new InvalidMessageError(where, 'must be true or false');
  return v;
};

export function oneOf<T extends string>(values: readonly T[]): Check<T> {
  return (v, where) => {
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) throw new InvalidMessageError(where, `must be one of ${values.join(', ')}`);
    return v as T;
  };
}

export function arrayOf<T>(item: Check<T>, max: number): Check<T[]> {
  return (v, where) => {
    if (!Array.isArray(v)) throw new InvalidMessageError(where, 'must be a list');
    if (v.length > max) throw new InvalidMessageError(where, `has more than ${max} items`);
    const out: T[] = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = item(v[i], `${where}[${i}]`);
    return out;
  };
}

export function optional<T>(c: Check<T>): Check<T | undefined> {
  return (v, where) => (v === undefined ? undefined : c(v, where));
}

export function nullable<T>(c: Check<T>): Check<T | null> {
  return (v, where) => (v === null ? null : c(v, where));
}

type Shape = Record<string, Check<unknown>>;
type FromShape<S extends Shape> = { [K in keyof S as undefined extends Checked<S[K]> ? never : K]: Checked<S[K]> }
  & { [K in keyof S as undefined extends Checked<S[K]> ? K : never]?: Checked<S[K]> };

/** A plain object with exactly these keys (unknown keys, prototypes other than Object's, arrays: rejected). */
export function object<S extends Shape>(shape: S): Check<FromShape<S>> {
  const known = new Set(Object.keys(shape));
  return (v, where) => {
    if (!isPlainObject(v)) throw new InvalidMessageError(where, 'must be an object');
    for (const k of Object.keys(v)) if (!known.has(k)) throw new InvalidMessageError(where, `has an unexpected field "${k.slice(0, 40)}"`);
    const out: Record<string, unknown> = {};
    for (const k of known) {
      const value = shape[k](v[k], `${where}.${k}`);
      if (value !== undefined) out[k] = value;
    }
    return out as FromShape<S>;
  };
}

/** An absolute local path (POSIX or Windows), no NUL, within PATH_MAX. */
export const absolutePath: Check<string> = str({ min: 1, max: LIMITS.path, pattern: /^(?:\/|[A-Za-z]:[\\/]|\\\\)/, what: 'an absolute path' });

/** A user-typed regular expression that compiles (the webview validates too; the host never trusts it). */
export const regexSource: Check<string> = (v, where) => {
  const s = str({ max: LIMITS.shortText })(v, where);
  try {
    new RegExp(s, 'u');
  } catch {
    try {
      new RegExp(s);
    } catch {
      throw new InvalidMessageError(where, 'is not a valid regular expression');
    }
  }
  return s;
};

export const emptyParams = object({});

export interface ParsedRequest<M extends string = string> {
  id: number;
  method: M;
  params: unknown;
}

/**
 * Checks the request envelope and its params against `methods` (method name → params check). Throws
 * InvalidMessageError; `id` is returned separately when readable so the host can still answer it.
 */
export function parseRequest<T extends Record<string, Check<unknown>>>(msg: unknown, methods: T): { id: number; method: keyof T & string; params: unknown } {
  const env = object({ kind: oneOf(['request'] as const), id: int(0, Number.MAX_SAFE_INTEGER), method: str({ max: 64 }), params: (p: unknown) => p })(msg, 'message');
  if (!Object.prototype.hasOwnProperty.call(methods, env.method)) throw new InvalidMessageError('message.method', 'is not a known method');
  const params = methods[env.method](env.params, `${env.method}.params`);
  return { id: env.id, method: env.method, params };
}

/** The request id of a message, when it has a usable one (to answer even a rejected request). */
export function requestIdOf(msg: unknown): number | undefined {
  if (!isPlainObject(msg)) return undefined;
  const id = msg.id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : undefined;
}
