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
