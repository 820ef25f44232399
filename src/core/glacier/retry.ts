import { setTimeout as sleep } from 'node:timers/promises';
import { CancellationError, FreezerError } from '../errors';

/**
 * Our own retry loop around whole operations. The SDK retries each HTTP request already; this outer
 * loop exists for failures the SDK cannot see or must not retry: a response body that breaks off
 * mid-stream (GetJobOutput), bytes that fail our tree-hash check, and a part rejected because the
 * server's hash of what arrived differs from ours (a corrupted transfer, not a bad request).
 */
export interface RetryOptions {
  attempts: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/** Full-jitter exponential backoff, as AWS recommends. */
export function backoffDelay(attempt: number, baseMs = 200, maxMs = 20_000): number {
  return Math.floor(Math.random() * Math.min(maxMs, baseMs * 2 ** attempt));
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EAI_AGAIN', 'ENOTFOUND', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET']);

/** True for errors worth another attempt: throttling, 5xx, timeouts, dropped connections, hash mismatches. */
export function isRetryableError(e: unknown): boolean {
  if (CancellationError.is(e)) return false;
  if (FreezerError.is(e)) return e.code === 'TreeHashMismatch' || e.code === 'ShortRead' || e.code === 'Transient';
  const err = e as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  if (!err || typeof err !== 'object') return false;
  if (err.code && NETWORK_CODES.has(err.code)) return true;
  if (err.$retryable) return true;
  const status = err.$metadata?.httpStatusCode;
  if (status !== undefined && (status >= 500 || status === 408 || status === 429)) return true;
  const name = err.name ?? '';
  if (/Throttl|TooManyRequests|RequestTimeout|TimeoutError|ServiceUnavailable|InternalError|RequestLimitExceeded/.test(name)) return true;
  // Glacier answers a corrupted body with InvalidParameterValueException naming the checksum.
  if (name === 'InvalidParameterValueException' && /checksum|tree.?hash/i.test(err.message ?? '')) return true;
  // Connection dropped before any response: the SDK surfaces these without a status.
  if (status === undefined && /socket hang up|ECONNRESET|aborted|premature close|terminated/i.test(err.message ?? '')) return true;
  return false;
}

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    if (opts.signal?.aborted) throw new CancellationError();
    try {
      return await fn(attempt);
    } catch (e) {
      if (opts.signal?.aborted) throw new CancellationError();
      if (attempt + 1 >= opts.attempts || !isRetryableError(e)) throw e;
      const delay = backoffDelay(attempt, opts.baseDelayMs, opts.maxDelayMs);
      opts.onRetry?.(e, attempt + 1, delay);
      try {
        await sleep(delay, undefined, { signal: opts.signal });
      } catch {
        throw new CancellationError();
      }
    }
  }
}
