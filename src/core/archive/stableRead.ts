import { createHash, type Hash } from 'node:crypto';
import { promises as fsp, type Stats } from 'node:fs';
import { FreezerError, throwIfAborted } from '../errors';

/**
 * Reading a file for the archive so that a file written meanwhile is never stored as if clean:
 * size, mtime and ctime are taken from the open file before and after the read; a small file that
 * changed is read again, a file that still changes (or a large one that changed) is kept as read
 * and reported as changed during the freeze. The SHA-256 is of the bytes that go into the archive.
 */
export const SMALL_FILE = 1024 * 1024;
const ATTEMPTS = 3;
const READ_BUFFER = 256 * 1024;

export interface FileIdentity {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

const identity = (st: Stats): FileIdentity => ({ size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs });
const same = (a: FileIdentity, b: FileIdentity): boolean => a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;

function readFailed(file: string, e: unknown): FreezerError {
  if (e instanceof FreezerError) return e;
  return new FreezerError('ReadFailed', `Cannot read ${file}: ${(e as Error).message}`, { cause: e });
}

export interface SmallRead {
  data: Buffer;
  sha256: string;
  /** What the file looked like when it was read (the archived bytes' size, its mtime). */
  before: FileIdentity;
  changed: boolean;
}

/**
 * A file up to SMALL_FILE read whole, again while it changes under the read (at most 3 times).
 * Null when it has grown past 4 × SMALL_FILE since it was listed: the caller streams it instead.
 */
export async function readSmallFile(file: string, signal?: AbortSignal): Promise<SmallRead | null> {
  let last: SmallRead | undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    throwIfAborted(signal);
    let fh: fsp.FileHandle | undefined;
    try {
      fh = await fsp.open(file, 'r');
      const before = identity(await fh.stat());
      if (before.size > 4 * SMALL_FILE) return null;
      // One byte more than the size: a file that grew shows up as a longer read.
      const buf = Buffer.allocUnsafe(before.size + 1);
      let got = 0;
      while (got < buf.length) {
        const { bytesRead } = await fh.read(buf, got, buf.length - got, got);
        if (!bytesRead) break;
        got += bytesRead;
      }
      const after = identity(await fh.stat());
      const data = buf.subarray(0, Math.min(got, before.size));
      const changed = got !== before.size || !same(before, after);
      last = { data, sha256: createHash('sha256').update(data).digest('hex'), before: { ...before, size: data.length }, changed };
      if (!changed) return last;
    } catch (e) {
      throw readFailed(file, e);
    } finally {
      await fh?.close().catch(() => undefined);
    }
  }
  return last!;
}

export interface StreamedRead {
  sha256: string;
  changed: boolean;
}

/**
 * A large file streamed into `write` as exactly `size` bytes (the tar header already says so): a
 * file that shrank is padded with zeros, one that grew is cut at `size`; either is reported changed.
 */
export async function streamFile(
  file: string, fh: fsp.FileHandle, before: FileIdentity,
  write: (chunk: Buffer) => Promise<void>, onBytes: (n: number) => void, signal?: AbortSignal,
): Promise<StreamedRead> {
  const h: Hash = createHash('sha256');
  let pos = 0;
  let short = false;
  try {
    while (pos < before.size) {
      throwIfAborted(signal);
      // A fresh buffer per chunk: the tar stream keeps a reference until it is compressed.
      const buf = Buffer.allocUnsafe(Math.min(READ_BUFFER, before.size - pos));
      let { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (!bytesRead) {
        short = true;
        buf.fill(0);
        bytesRead = buf.length;
      }
      const chunk = buf.subarray(0, bytesRead);
      h.update(chunk);
      pos += chunk.length;
      onBytes(chunk.length);
      await write(chunk);
    }
    const after = identity(await fh.stat());
    return { sha256: h.digest('hex'), changed: short || !same(before, after) };
  } catch (e) {
    throw readFailed(file, e);
  }
}

export async function openForArchive(file: string): Promise<{ fh: fsp.FileHandle; before: FileIdentity }> {
  try {
    const fh = await fsp.open(file, 'r');
    return { fh, before: identity(await fh.stat()) };
  } catch (e) {
    throw readFailed(file, e);
  }
}
