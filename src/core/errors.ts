/**
 * Errors raised by the core. Every error a user can meet carries a stable `code` (for tests, the CLI's
 * exit codes and `--json` output) and a message that says what happened and what to do about it.
 */
export class FreezerError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FreezerError';
  }

  static is(e: unknown, code?: string): e is FreezerError {
    return e instanceof FreezerError && (code === undefined || e.code === code);
  }
}

/** Raised when the user (or an AbortSignal) cancels a long operation. */
export class CancellationError extends FreezerError {
  constructor(message = 'Cancelled') {
    super('Cancelled', message);
    this.name = 'CancellationError';
  }

  static override is(e: unknown): e is CancellationError {
    return e instanceof CancellationError || (e instanceof Error && e.name === 'AbortError');
  }
}

/** Throws a CancellationError if the signal is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancellationError();
}
