import { createHash } from 'node:crypto';
import fs, { promises as fsp } from 'node:fs';
import path from 'node:path';
import { type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { FreezerError, throwIfAborted } from '../errors';
import { placeEntry, tempNameFor, type OnExisting, type PlaceOutcome, type PlaceRequest } from './placeFile';
import { SmallFileWriter } from './smallFileWriter';

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
  /** What happened at `target`: written, already there unchanged, replaced, written beside it, or skipped. */
  outcome?: PlaceOutcome;
}

export interface ExtractOptions {
  to: string;
  /** Only these members (a folder selects everything under it). */
  members?: readonly string[];
  /** Same as `onExisting: 'replace'`. */
  overwrite?: boolean;
  /** What to do with an existing entry that differs (default: fail with TargetExists). Identical files are left alone. */
  onExisting?: OnExisting;
  expectedSha256?: ReadonlyMap<string, string>;
  signal?: AbortSignal;
  /** Called as each selected entry starts, and once it is restored. */
  onEntry?: (memberPath: string) => void;
  onRestored?: (f: RestoredFile) => void;
}

/**
 * Files up to this size are buffered and written with synchronous calls, but for their creation
 * (SmallFileWriter): for many small files the promise and thread-pool round trips cost more than the
 * writes (to the page cache) themselves.
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

const openExclusive = (file: string, mode: number): Promise<number> => new Promise((resolve, reject) => {
  fs.open(file, 'wx', mode, (e, fd) => (e ? reject(e) : resolve(fd)));
});

/**
 * Writes a small file's verified bytes to its temporary name (a leftover of a killed run is replaced;
 * the name is created exclusively, so it is never a link followed). Only the creation goes to the
 * thread pool (it is the slow call); the writes to the page cache are cheaper done at once.
 */
async function writeSmallTemp(temp: string, data: Buffer, mode: number, mtime: Date): Promise<void> {
  fs.rmSync(temp, { force: true });
  const fd = await openExclusive(temp, mode);
  try {
    for (let off = 0; off < data.length; ) off += fs.writeSync(fd, data, off, data.length - off);
    const um = currentUmask();
    if (um === null || (mode & um) !== 0) fs.fchmodSync(fd, mode);
    fs.futimesSync(fd, mtime, mtime);
    fs.closeSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw e;
  }
}

/** The common case, without a promise round trip: the real name is free, so link the temp there. */
function placeFreeSync(temp: string, target: string): boolean {
  try {
    fs.linkSync(temp, target);
  } catch {
    return false; // taken, or no hard links here: placeEntry decides
  }
  fs.rmSync(temp, { force: true });
  return true;
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

/** `dir` + `rel` without normalising: "a/../.." must climb through "a" as the system does, not cancel out. */
function joinRaw(dir: string, rel: string): string {
  return dir.endsWith(path.sep) ? dir + rel : dir + path.sep + rel;
}

/**
 * Where an absolute path leads when the system follows it: each part in turn, links followed (their
 * targets resolved the same way), ".." taken from the real folder reached so far; parts that do not
 * exist are taken as they are.
 */
export async function resolveReal(p: string, depth = 0): Promise<string> {
  if (depth > 40) throw new FreezerError('UnsafeEntry', `Too many levels of links resolving ${p}.`);
  let cur = path.parse(p).root;
  for (const seg of p.slice(cur.length).split(/[\\/]+/)) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      cur = path.dirname(cur);
      continue;
    }
    const next = path.join(cur, seg);
    const st = await fsp.lstat(next).catch(() => null);
    if (st?.isSymbolicLink()) {
      const t = await fsp.readlink(next);
      cur = await resolveReal(path.isAbsolute(t) ? t : joinRaw(cur, t), depth + 1);
    } else cur = next;
  }
  return cur;
}

/**
 * Later entries can change where an earlier link leads (a link restored under a link): once all is
 * written, every restored link is resolved again, and any that leads outside is removed and reported.
 */
async function dropEscapingLinks(root: string, links: readonly string[]): Promise<void> {
  const bad: string[] = [];
  for (const l of links) {
    const st = await fsp.lstat(l).catch(() => null);
    if (!st?.isSymbolicLink()) continue;
    const real = await resolveReal(joinRaw(await fsp.realpath(path.dirname(l)), await fsp.readlink(l))).catch(() => undefined);
    if (real !== undefined && inside(root, real)) continue;
    await fsp.rm(l, { force: true });
    bad.push(path.relative(root, l));
  }
  if (bad.length) throw new FreezerError('UnsafeEntry', `The archive's link(s) ${bad.map((b) => `"${b}"`).join(', ')} would lead outside ${root}; they were removed.`);
}

/** Extracts a tar stream into `to`, refusing anything that would land outside it. */
export async function extractTar(source: Readable | AsyncIterable<Buffer>, opts: ExtractOptions): Promise<RestoredFile[]> {
  await fsp.mkdir(opts.to, { recursive: true });
  const root = await fsp.realpath(opts.to);
  const safeDirs = new Set<string>([root]);
  // In archive order, though small files finish out of order (each keeps the slot taken when it started).
  const restored: Array<RestoredFile | undefined> = [];
  const done = (f: RestoredFile, at = restored.length): void => {
    restored[at] = f;
    opts.onRestored?.(f);
  };
  const writer = new SmallFileWriter();
  // A target that exists is settled one at a time (the user may be asked what to do with it).
  let settling: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(fn: () => Promise<T>): Promise<T> => {
    const r = settling.then(fn);
    settling = r.catch(() => undefined);
    return r;
  };
  const dirMeta: Array<{ target: string; mode: number; mtime: Date }> = [];
  const links: string[] = [];

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

  const onExisting: OnExisting = opts.onExisting ?? (opts.overwrite ? 'replace' : 'fail');
  const place = async (f: Omit<RestoredFile, 'outcome'>, temp: string, same?: PlaceRequest['same'], at?: number): Promise<string | undefined> => {
    const r = await placeEntry({ temp, target: f.target, member: f.path, sha256: f.sha256, same, onExisting });
    done({ ...f, target: r.target ?? f.target, outcome: r.outcome }, at);
    return r.target;
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
      // Links may point at files still being written; anything else waits only for its own path.
      if (h.type === 'symlink' || h.type === 'link' || writer.pending(target)) await writer.drain();
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
            const temp = tempNameFor(target);
            const f = { path: member, target, type: 'file' as const, size: data.length, sha256, verified: !!expected };
            const at = restored.length++;
            await writer.add(target, data.length, async () => {
              await writeSmallTemp(temp, data, mode, mtime);
              if (placeFreeSync(temp, target)) done({ ...f, outcome: 'restored' }, at);
              else await oneAtATime(() => place(f, temp, undefined, at));
            });
            break;
          }
          // Written under a temporary name and renamed only once verified: a kill never leaves a
          // truncated file under the real name.
          const temp = tempNameFor(target);
          await fsp.rm(temp, { force: true });
          const fh = await fsp.open(temp, 'wx', mode);
          const hash = createHash('sha256');
          let size = 0;
          let sha256 = '';
          try {
            for await (const c of entry as AsyncIterable<Buffer>) {
              throwIfAborted(opts.signal);
              hash.update(c);
              size += c.length;
              await fh.write(c);
            }
            sha256 = hash.digest('hex');
            if (expected && expected !== sha256) throw mismatch(sha256);
            await fh.chmod(mode);
            await fh.utimes(mtime, mtime);
            await fh.close();
          } catch (e) {
            await fh.close().catch(() => undefined);
            await fsp.rm(temp, { force: true });
            throw e;
          }
          await place({ path: member, target, type: 'file', size, sha256, verified: !!expected }, temp);
          break;
        }
        case 'symlink': {
          entry.resume();
          const link = h.linkname ?? '';
          // Resolved as the system will: from the link's real folder, following links already restored.
          if (path.isAbsolute(link) || !inside(root, path.resolve(path.dirname(target), link))
            || !inside(root, await resolveReal(joinRaw(await fsp.realpath(path.dirname(target)), link)))) {
            throw new FreezerError('UnsafeEntry', `The archive member "${member}" is a link to "${link}", outside the target folder; refusing it.`);
          }
          const temp = tempNameFor(target);
          await fsp.rm(temp, { force: true });
          await fsp.symlink(link, temp);
          const placed = await place({ path: member, target, type: 'symlink', size: 0, verified: false }, temp,
            async (st) => st.isSymbolicLink() && (await fsp.readlink(target)) === link);
          if (placed) links.push(placed);
          break;
        }
        case 'link': {
          entry.resume();
          const src = path.join(root, ...safeMemberSegments(h.linkname ?? ''));
          const real = await fsp.realpath(src).catch(() => null);
          if (!real || !inside(root, real)) {
            throw new FreezerError('UnsafeEntry', `The archive member "${member}" is a hard link to "${h.linkname}", which is not a restored file inside the target folder.`);
          }
          const temp = tempNameFor(target);
          await fsp.rm(temp, { force: true });
          await fsp.link(real, temp);
          const src0 = await fsp.stat(real);
          await place({ path: member, target, type: 'link', size: 0, verified: false }, temp,
            async (st) => st.ino === src0.ino && st.dev === src0.dev);
          break;
        }
        default:
          entry.resume();
          throw new FreezerError('UnsafeEntry', `The archive member "${member}" is a ${h.type ?? 'special'} entry (device, FIFO…); Freezer restores only files, folders and links.`);
      }
    }
    await writer.drain();
    await feeding;
    await dropEscapingLinks(root, links);
  } catch (e) {
    ex.destroy();
    await writer.settle();
    await feeding.catch(() => undefined);
    // What was written before the failure must not leave an escaping link either.
    await dropEscapingLinks(root, links).catch(() => undefined);
    throw e;
  }
  // Folder modes and times last, so read-only folders do not block their children.
  for (const d of dirMeta.reverse()) {
    await fsp.chmod(d.target, d.mode).catch(() => undefined);
    await fsp.utimes(d.target, d.mtime, d.mtime).catch(() => undefined);
  }
  return restored.filter((f): f is RestoredFile => f !== undefined);
}
