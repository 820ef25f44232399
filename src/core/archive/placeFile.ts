import { createHash } from 'node:crypto';
import fs, { promises as fsp } from 'node:fs';
import path from 'node:path';
import { FreezerError } from '../errors';

/** What a restore does with a file that already exists and differs from the archive's. */
export type ExistingChoice = 'replace' | 'keep-both' | 'skip';
/** `fail` (the default) stops with TargetExists naming the choices. */
export type ExistingPolicy = ExistingChoice | 'fail';

export interface ExistingFile {
  /** Member path in the archive. */
  member: string;
  /** The path that is taken. */
  target: string;
  kind: 'file' | 'folder' | 'link' | 'other';
  size: number;
  mtime: Date;
}

/** A fixed policy, or a question (the UI asks the user, perhaps "for all"). */
export type OnExisting = ExistingPolicy | ((f: ExistingFile) => Promise<ExistingChoice>);

/** How a restored entry ended up. */
export type PlaceOutcome = 'restored' | 'unchanged' | 'replaced' | 'kept-both' | 'skipped';

export const RESTORE_CHOICES_HINT = 'replace it (--overwrite), keep both (--keep-both: the restored copy is renamed "name (restored DATE).ext"), or skip it (--skip-existing)';

/**
 * The hidden sibling a restored file is written to before it is verified and renamed into place.
 * The same name on every run, so a rerun after a kill reuses (replaces) what the killed run left.
 */
export function tempNameFor(target: string): string {
  const dir = path.dirname(target);
  const base = path.basename(target);
  // Stay below the usual 255-byte name limit.
  if (Buffer.byteLength(base) <= 200) return path.join(dir, `.${base}.freezer-part`);
  return path.join(dir, `.freezer-part-${createHash('sha256').update(base).digest('hex').slice(0, 24)}`);
}

export const isTempName = (name: string): boolean => /^\..*\.freezer-part$|^\.freezer-part-[0-9a-f]{24}$/.test(name);

/** `name (restored 2026-12-01).ext`, then ` 2`, ` 3`… until free. */
export async function keepBothName(target: string, now = new Date()): Promise<string> {
  const dir = path.dirname(target);
  const base = path.basename(target);
  const dot = base.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [base.slice(0, dot), base.slice(dot)] : [base, ''];
  const day = now.toISOString().slice(0, 10);
  for (let n = 1; ; n++) {
    const p = path.join(dir, `${stem} (restored ${day}${n > 1 ? ` ${n}` : ''})${ext}`);
    if (!(await fsp.lstat(p).catch(() => null))) return p;
  }
}

async function sha256Of(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of fs.createReadStream(file, { highWaterMark: 1024 * 1024 })) h.update(c as Buffer);
  return h.digest('hex');
}

/** Links `from` to `to` only if `to` is free (atomic); a check and rename where hard links are not supported. */
async function linkExclusive(from: string, to: string): Promise<boolean> {
  try {
    await fsp.link(from, to);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
    if (await fsp.lstat(to).catch(() => null)) return false;
    await fsp.rename(from, to);
    return true;
  }
  await fsp.rm(from, { force: true });
  return true;
}

export interface PlaceRequest {
  /** The verified entry under its temporary name. */
  temp: string;
  target: string;
  member: string;
  /** SHA-256 of the temp file (regular files), to tell an unchanged target from a different one. */
  sha256?: string;
  /** For links: true when the existing entry at `target` already is this one. */
  same?: (existing: fs.Stats) => Promise<boolean>;
  onExisting?: OnExisting;
}

/**
 * Moves a verified restored entry from its temporary name to its real one. Nothing is ever replaced
 * without the policy saying so; an existing file with the same SHA-256 is left as it is. Returns where
 * it went (undefined when skipped or unchanged) and how.
 */
export async function placeEntry(r: PlaceRequest): Promise<{ outcome: PlaceOutcome; target?: string }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await linkExclusive(r.temp, r.target)) return { outcome: 'restored', target: r.target };
    const st = await fsp.lstat(r.target).catch(() => null);
    if (!st) continue; // gone meanwhile: try again
    const identical = st.isFile() && r.sha256 ? st.size === (await fsp.stat(r.temp)).size && (await sha256Of(r.target)) === r.sha256 : r.same ? await r.same(st) : false;
    if (identical) {
      await fsp.rm(r.temp, { force: true });
      return { outcome: 'unchanged' };
    }
    const kind = st.isFile() ? 'file' : st.isDirectory() ? 'folder' : st.isSymbolicLink() ? 'link' : 'other';
    const policy = r.onExisting ?? 'fail';
    let choice: ExistingPolicy;
    try {
      choice = typeof policy === 'function' ? await policy({ member: r.member, target: r.target, kind, size: st.size, mtime: st.mtime }) : policy;
    } catch (e) {
      await fsp.rm(r.temp, { force: true }); // the user cancelled: nothing left behind
      throw e;
    }
    if (choice === 'fail') {
      await fsp.rm(r.temp, { force: true });
      throw new FreezerError('TargetExists', `${r.target} already exists and differs from the archive's "${r.member}": ${RESTORE_CHOICES_HINT}.`);
    }
    if (choice === 'skip') {
      await fsp.rm(r.temp, { force: true });
      return { outcome: 'skipped' };
    }
    if (choice === 'keep-both') {
      const alt = await keepBothName(r.target);
      if (await linkExclusive(r.temp, alt)) return { outcome: 'kept-both', target: alt };
      continue;
    }
    if (kind === 'folder') {
      await fsp.rm(r.temp, { force: true });
      throw new FreezerError('TargetExists', `${r.target} is a folder, so the archive's file "${r.member}" cannot replace it; keep both (--keep-both) or skip it (--skip-existing).`);
    }
    // rename replaces the entry itself (a link is replaced, never followed), in one step.
    await fsp.rename(r.temp, r.target);
    return { outcome: 'replaced', target: r.target };
  }
  await fsp.rm(r.temp, { force: true });
  throw new FreezerError('TargetExists', `${r.target} keeps changing while it is restored; try again.`);
}
