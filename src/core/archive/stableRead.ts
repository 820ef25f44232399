import { createHash, type Hash } from 'node:crypto';
import fs, { promises as fsp, type Stats } from 'node:fs';
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

/** Files up to this size are read in batches with synchronous calls (readSmallFilesBatch). */
export const SYNC_READ = 256 * 1024;

/**
 * Files up to SYNC_READ, a batch at a time: each is opened, stat'ed and read with synchronous calls
 * (from the page cache the five thread-pool round trips of an async read cost several times the read
 * itself, and a source tree is mostly such files), then the event loop gets a turn before each is
 * stat'ed again, so a change made meanwhile (by this process too) is seen as with an async read. A
 * file that changed, or could not be read so, is read again by readSmallFile.
 */
export async function readSmallFilesBatch(files: readonly string[], signal?: AbortSignal): Promise<Array<SmallRead | null>> {
  const held: Array<{ fd?: number; before?: FileIdentity; buf?: Buffer; got: number; failed: boolean }> = [];
  try {
    for (const file of files) {
      const h: (typeof held)[number] = { got: 0, failed: false };
      held.push(h);
      try {
        h.fd = fs.openSync(file, 'r');
        h.before = identity(fs.fstatSync(h.fd));
        if (h.before.size > SYNC_READ) continue; // grown since it was listed: read as usual below
        // One byte more than the size: a file that grew shows up as a longer read.
        h.buf = Buffer.allocUnsafe(h.before.size + 1);
        while (h.got < h.buf.length) {
          const n = fs.readSync(h.fd, h.buf, h.got, h.buf.length - h.got, h.got);
          if (!n) break;
          h.got += n;
        }
      } catch {
        h.failed = true; // readSmallFile below reports it with the file's name
      }
    }
    await new Promise<void>((res) => setImmediate(res));
    const out: Array<SmallRead | null> = [];
    for (const [i, h] of held.entries()) {
      let read: SmallRead | undefined;
      if (!h.failed && h.fd !== undefined && h.before && h.buf) {
        const after = identity(fs.fstatSync(h.fd));
        const data = h.buf.subarray(0, Math.min(h.got, h.before.size));
        if (h.got === h.before.size && same(h.before, after)) {
          read = { data, sha256: createHash('sha256').update(data).digest('hex'), before: h.before, changed: false };
        }
      }
      if (h.fd !== undefined) fs.closeSync(h.fd);
      h.fd = undefined;
      out.push(read ?? (await readSmallFile(files[i], signal)));
    }
    return out;
  } finally {
    for (const h of held) if (h.fd !== undefined) try { fs.closeSync(h.fd); } catch { /* a read-only descriptor: nothing to lose */ }
  }
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
