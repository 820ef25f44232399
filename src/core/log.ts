import { format } from 'node:util';

/**
 * The logging seam of the core: the extension passes a LogOutputChannel-backed logger, the CLI a
 * console one, tests `nullLogger`. printf-style arguments, never secrets (see `redact`).
 */
export interface Logger {
  debug(msg: string, ...args: unknown[]): void;
  info(msg: string, ...args: unknown[]): void;
  warn(msg: string, ...args: unknown[]): void;
  error(msg: string, ...args: unknown[]): void;
}

const noop = (): void => undefined;

/** Discards everything. */
export const nullLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/**
 * Masks a secret for logs: `undefined`/empty stays visible as "(none)", anything else becomes
 * "***" — optionally followed by the last `showLast` characters for identifiers such as access key
 * ids (never use `showLast` on a secret key).
 */
export function redact(value: string | undefined | null, showLast = 0): string {
  if (!value) return '(none)';
  if (showLast <= 0 || value.length <= showLast * 2) return '***';
  return `***${value.slice(-showLast)}`;
}

/**
 * C0/C1 controls, DEL, and the Unicode line separators and bidi overrides: in text that came from
 * outside (job ids, ARNs, descriptions, queue messages) they could forge a log line or recolour a
 * terminal. Tab is kept.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every control character written as an escape (`\n`, `\x1b`, `\u202e`): one visible line. */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    const n = c.charCodeAt(0);
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}

/**
 * printf-style formatting for log lines: the template is ours, the arguments may come from outside,
 * so string arguments and error messages are escaped (objects are shown by `inspect`, which escapes).
 */
export function formatLogLine(msg: string, args: readonly unknown[]): string {
  const safe = args.map((a) => (typeof a === 'string' ? escapeControl(a) : a instanceof Error ? escapeControl(a.message) : a));
  try {
    return args.length ? format(msg, ...safe) : msg;
  } catch {
    return msg;
  }
}
