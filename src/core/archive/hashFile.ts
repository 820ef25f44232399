import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { throwIfAborted } from '../errors';

/** Returns a known SHA-256 (hex) for an unchanged file, so it need not be read again. */
export type HashCacheLookup = (path: string, size: number, mtimeMs: number) => string | undefined | Promise<string | undefined>;

export interface HashFileOptions {
  cache?: HashCacheLookup;
  signal?: AbortSignal;
  /** Called with each chunk's length, for progress. */
  onBytes?: (n: number) => void;
}

export interface FileHash {
  sha256: string;
  size: number;
  mtimeMs: number;
  fromCache: boolean;
}

/** Streaming SHA-256 of a file (hex), memory bounded by the read buffer. */
export async function hashFile(file: string, opts: HashFileOptions = {}): Promise<FileHash> {
  const st = await stat(file);
  const cached = opts.cache ? await opts.cache(file, st.size, st.mtimeMs) : undefined;
  if (cached) return { sha256: cached, size: st.size, mtimeMs: st.mtimeMs, fromCache: true };
  const h = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024, signal: opts.signal }) as AsyncIterable<Buffer>) {
    throwIfAborted(opts.signal);
    h.update(chunk);
    size += chunk.length;
    opts.onBytes?.(chunk.length);
  }
  return { sha256: h.digest('hex'), size, mtimeMs: st.mtimeMs, fromCache: false };
}
