import { createHash } from 'node:crypto';
import fs, { promises as fsp } from 'node:fs';
import path from 'node:path';
import { type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { FreezerError, throwIfAborted } from '../errors';

export interface RestoredFile {
  /** Member path in the archive. */
  path: string;
  /** Where it was written. */
  target: string;
  type: 'file' | 'directory' | 'symlink' | 'link';
  size: number;
  /** SHA-256 of the written bytes (files only). */
  sha256?: string;
  /** True when it matched the expected SHA-256 given by the caller. */
  verified: boolean;
}

export interface ExtractOptions {
  to: string;
  /** Only these members (a folder selects everything under it). */
  members?: readonly string[];
  overwrite?: boolean;
  expectedSha256?: ReadonlyMap<string, string>;
  signal?: AbortSignal;
  /** Called as each selected entry starts, and once it is restored. */
  onEntry?: (memberPath: string) => void;
  onRestored?: (f: RestoredFile) => void;
}

/**
 * Files up to this size are buffered and written with synchronous calls: for many small files the
 * promise and thread-pool round trips cost more than the writes (to the page cache) themselves.
 */
const SMALL_FILE = 1024 * 1024;

let umaskValue: number | null | undefined;
/** The process umask, or null where it cannot be read (worker threads): then modes are always set. */
function currentUmask(): number | null {
  if (umaskValue === undefined) {
    try {
      umaskValue = process.umask();
    } catch {
      umaskValue = null;
    }
  }
  return umaskValue;
}

function exclusiveOpenError(e: unknown, target: string, member: string): unknown {
  if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
    return new FreezerError('TargetExists', `${target} already exists; allow overwriting to replace it (member "${member}").`);
  }
  return e;
}

/** O_EXCL create (never follows a link, never replaces), write, mode, mtime; removed again on failure. */
function writeSmallFile(target: string, member: string, data: Buffer, mode: number, mtime: Date, overwrite: boolean): void {
  if (overwrite) {
    const st = fs.lstatSync(target, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) fs.rmSync(target, { force: true });
  }
  let fd: number;
  try {
    fd = fs.openSync(target, 'wx', mode);
  } catch (e) {
    throw exclusiveOpenError(e, target, member);
  }
  try {
    for (let off = 0; off < data.length; ) off += fs.writeSync(fd, data, off, data.length - off);
    const um = currentUmask();
    if (um === null || (mode & um) !== 0) fs.fchmodSync(fd, mode);
    fs.futimesSync(fd, mtime, mtime);
    fs.closeSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(target, { force: true });
    throw e;
  }
}

/** Member path → safe relative segments; refuses absolute paths and '..'. */
export function safeMemberSegments(name: string): string[] {
  const n = name.replace(/\/+$/, '');
  if (n === '' || n.startsWith('/') || n.startsWith('\\') || /^[A-Za-z]:/.test(n)) {
    throw new FreezerError('UnsafeEntry', `The archive member "${name}" has an absolute path; refusing to extract it.`);
  }
  const segs = n.split('/').filter((s) => s !== '' && s !== '.');
  if (segs.some((s) => s === '..')) throw new FreezerError('UnsafeEntry', `The archive member "${name}" climbs out of the target folder with "..".`);
  if (segs.some((s) => s.includes('\0') || (path.sep === '\\' && /[\\:]/.test(s)))) throw new FreezerError('UnsafeEntry', `The archive member "${name}" has a name this system cannot store safely.`);
  if (!segs.length) throw new FreezerError('UnsafeEntry', `The archive member "${name}" has an empty path.`);
  return segs;
}

/** True when `member` is one of `wanted` or inside a wanted folder (everything when `wanted` is undefined). */
export function isSelected(member: string, wanted: readonly string[] | undefined): boolean {
  if (!wanted) return true;
  return wanted.some((w) => {
    const x = w.replace(/\/+$/, '');
    return member === x || member.startsWith(x + '/');
  });
}

function inside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/** Extracts a tar stream into `to`, refusing anything that would land outside it. */
export async function extractTar(source: Readable | AsyncIterable<Buffer>, opts: ExtractOptions): Promise<RestoredFile[]> {
  await fsp.mkdir(opts.to, { recursive: true });
  const root = await fsp.realpath(opts.to);
  const safeDirs = new Set<string>([root]);
  const restored: RestoredFile[] = [];
  const done = (f: RestoredFile): void => {
    restored.push(f);
    opts.onRestored?.(f);
  };
  const dirMeta: Array<{ target: string; mode: number; mtime: Date }> = [];

  // Creates parent folders one by one, refusing to pass through a link that leads outside the root.
  const ensureDir = async (dir: string, member: string): Promise<void> => {
    if (safeDirs.has(dir)) return;
    if (!inside(root, dir)) throw new FreezerError('UnsafeEntry', `"${member}" would be written outside ${root}.`);
    await ensureDir(path.dirname(dir), member);
    let st = await fsp.lstat(dir).catch(() => null);
    if (!st) {
      await fsp.mkdir(dir).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'EEXIST') throw e; });
      st = await fsp.lstat(dir);
    }
    if (st.isSymbolicLink()) {
      const real = await fsp.realpath(dir);
      if (!inside(root, real)) throw new FreezerError('UnsafeEntry', `"${member}" would be written through the link ${dir}, which leads outside ${root}.`);
      st = await fsp.stat(dir);
    }
    if (!st.isDirectory()) throw new FreezerError('TargetExists', `${dir} exists and is not a folder, so "${member}" cannot be restored under it.`);
    safeDirs.add(dir);
  };

  // O_EXCL never follows a link and fails if anything is there: no silent overwrite, no write through a link.
  const createExclusive = async (target: string, member: string, mode: number): Promise<fsp.FileHandle> => {
    if (opts.overwrite) {
      const st = await fsp.lstat(target).catch(() => null);
      if (st && !st.isDirectory()) await fsp.rm(target, { force: true });
    }
    try {
      return await fsp.open(target, 'wx', mode);
    } catch (e) {
      throw exclusiveOpenError(e, target, member);
    }
  };

  const checkFree = async (target: string, member: string): Promise<void> => {
    if (opts.overwrite) return;
    const st = await fsp.lstat(target).catch(() => null);
    if (st) throw new FreezerError('TargetExists', `${target} already exists; allow overwriting to replace it (member "${member}").`);
  };

  const ex = tar.extract();
  const feeding = pipeline(source, ex as unknown as NodeJS.WritableStream);
  feeding.catch(() => undefined);
  try {
    for await (const entry of ex as AsyncIterable<Readable & { header: tar.Header }>) {
      throwIfAborted(opts.signal);
      const h = entry.header;
      const name = h.name;
      const segs = safeMemberSegments(name);
      const member = segs.join('/');
      if (!isSelected(member, opts.members)) {
        entry.resume();
        continue;
      }
      opts.onEntry?.(member);
      const target = path.join(root, ...segs);
      await ensureDir(path.dirname(target), member);
      const mtime = h.mtime ?? new Date();
      switch (h.type) {
        case 'directory': {
          entry.resume();
          await ensureDir(target, member);
          dirMeta.push({ target, mode: (h.mode ?? 0o755) & 0o777, mtime });
          done({ path: member, target, type: 'directory', size: 0, verified: false });
          break;
        }
        case 'file':
        case 'contiguous-file': {
          const mode = (h.mode ?? 0o644) & 0o777;
          const expected = opts.expectedSha256?.get(member)?.toLowerCase();
          const mismatch = (sha256: string): FreezerError =>
            new FreezerError('ChecksumMismatch', `"${member}" restored with SHA-256 ${sha256}, but the catalogue expects ${expected}: the archive or the key is wrong. The file was not kept.`);
          if ((h.size ?? 0) <= SMALL_FILE) {
            // Small files: read whole, check, then write.
            const parts: Buffer[] = [];
            for await (const c of entry as AsyncIterable<Buffer>) parts.push(c);
            const data = Buffer.concat(parts);
            const sha256 = createHash('sha256').update(data).digest('hex');
            if (expected && expected !== sha256) throw mismatch(sha256);
            writeSmallFile(target, member, data, mode, mtime, !!opts.overwrite);
            done({ path: member, target, type: 'file', size: data.length, sha256, verified: !!expected });
            break;
          }
          const fh = await createExclusive(target, member, mode);
          const hash = createHash('sha256');
          let size = 0;
          try {
            for await (const c of entry as AsyncIterable<Buffer>) {
              throwIfAborted(opts.signal);
              hash.update(c);
              size += c.length;
              await fh.write(c);
            }
            const sha256 = hash.digest('hex');
            if (expected && expected !== sha256) throw mismatch(sha256);
            await fh.chmod(mode);
            await fh.utimes(mtime, mtime);
            await fh.close();
            done({ path: member, target, type: 'file', size, sha256, verified: !!expected });
          } catch (e) {
            await fh.close().catch(() => undefined);
            await fsp.rm(target, { force: true });
            throw e;
          }
          break;
        }
        case 'symlink': {
          entry.resume();
          const link = h.linkname ?? '';
          if (path.isAbsolute(link) || !inside(root, path.resolve(path.dirname(target), link))) {
            throw new FreezerError('UnsafeEntry', `The archive member "${member}" is a link to "${link}", outside the target folder; refusing it.`);
          }
          await checkFree(target, member);
          if (opts.overwrite) await fsp.rm(target, { force: true });
          await fsp.symlink(link, target);
          done({ path: member, target, type: 'symlink', size: 0, verified: false });
          break;
        }
        case 'link': {
          entry.resume();
          const src = path.join(root, ...safeMemberSegments(h.linkname ?? ''));
          const real = await fsp.realpath(src).catch(() => null);
          if (!real || !inside(root, real)) {
            throw new FreezerError('UnsafeEntry', `The archive member "${member}" is a hard link to "${h.linkname}", which is not a restored file inside the target folder.`);
          }
          await checkFree(target, member);
          if (opts.overwrite) await fsp.rm(target, { force: true });
          await fsp.link(real, target);
          done({ path: member, target, type: 'link', size: 0, verified: false });
          break;
        }
        default:
          entry.resume();
          throw new FreezerError('UnsafeEntry', `The archive member "${member}" is a ${h.type ?? 'special'} entry (device, FIFO…); Freezer restores only files, folders and links.`);
      }
    }
    await feeding;
  } catch (e) {
    ex.destroy();
    await feeding.catch(() => undefined);
    throw e;
  }
  // Folder modes and times last, so read-only folders do not block their children.
  for (const d of dirMeta.reverse()) {
    await fsp.chmod(d.target, d.mode).catch(() => undefined);
    await fsp.utimes(d.target, d.mtime, d.mtime).catch(() => undefined);
  }
  return restored;
}
