import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Catalogue } from '../catalogue';
import { FreezerError, throwIfAborted } from '../errors';
import { compileUserRegex, DEFAULT_BACKUP_PATTERNS, matchesBackupPattern, matchesExclusionPath } from '../archive/filters';
import { hashFile } from '../archive/hashFile';
import { walkSources, type SourceFile } from '../archive/walk';
import type { Logger } from '../log';
import type { SelectionEntry, SelectionFilters, SelectionReason } from './types';

/** Filters with their defaults: every filter on except "already frozen" (it needs every file hashed). */
export function effectiveFilters(req: SelectionFilters | undefined, defaults: SelectionFilters | undefined): Required<SelectionFilters> {
  return {
    backupPatterns: req?.backupPatterns ?? defaults?.backupPatterns ?? DEFAULT_BACKUP_PATTERNS.map((r) => r.source),
    exclusionPaths: req?.exclusionPaths ?? defaults?.exclusionPaths ?? [],
    filterAlreadyFrozen: req?.filterAlreadyFrozen ?? defaults?.filterAlreadyFrozen ?? false,
    filterBackup: req?.filterBackup ?? defaults?.filterBackup ?? true,
    filterExclusionPaths: req?.filterExclusionPaths ?? defaults?.filterExclusionPaths ?? true,
    filterManual: req?.filterManual ?? defaults?.filterManual ?? true,
  };
}

const posix = (p: string) => p.split(path.sep).join('/');

/** The folder member paths are relative to: the deepest folder holding every source. */
export function commonRoot(paths: readonly string[]): string {
  if (!paths.length) throw new FreezerError('InvalidArgument', 'Nothing to freeze: give at least one file or folder.');
  const dirs = paths.map((p) => path.dirname(path.resolve(p)).split(path.sep));
  const first = dirs[0];
  let n = first.length;
  for (const d of dirs.slice(1)) {
    let i = 0;
    while (i < n && i < d.length && d[i] === first[i]) i++;
    n = i;
  }
  return first.slice(0, n).join(path.sep) || path.sep;
}

export interface Selection {
  root: string;
  entries: SelectionEntry[];
  /** Folders met by the walk (kept in the archive so empty folders survive), minus excluded ones. */
  folders: SourceFile[];
  files: Map<string, SourceFile>;
}

/**
 * Lists every file under `sources` with whether the filters select it and why not: backup patterns
 * on the base name, the user's exclusion regexes on the full path, manual exclusions, and (when
 * asked) files whose name + size + SHA-256 are already frozen. Hashes come from the catalogue's
 * cache when the file is unchanged; new hashes are remembered.
 */
export async function scanSelection(
  catalogue: Catalogue, log: Logger, sources: string[], filters: Required<SelectionFilters>, signal?: AbortSignal,
): Promise<Selection> {
  const root = commonRoot(sources);
  const backup = filters.backupPatterns.map(compileUserRegex);
  const [storedExclusions, manual] = await Promise.all([catalogue.listExclusionPaths(), catalogue.listManualExclusions()]);
  const exclusions = [...filters.exclusionPaths, ...storedExclusions].map(compileUserRegex);
  const manualSet = manual.map((m) => posix(path.resolve(m)));
  const isManual = (abs: string) => manualSet.some((m) => abs === m || abs.startsWith(m.endsWith('/') ? m : `${m}/`));

  const entries: SelectionEntry[] = [];
  const folders: SourceFile[] = [];
  const files = new Map<string, SourceFile>();
  const walk = walkSources(sources, {
    root, backupPatterns: [], signal,
    onSkip: (p, why, err) => log.debug('Not archiving %s: %s%s', p, why, err ? ` (${err.message})` : ''),
  });
  for await (const s of walk) {
    const abs = posix(s.absolutePath);
    const excluded = exclusions.length > 0 && matchesExclusionPath(abs, exclusions);
    if (s.type === 'directory') {
      if (!(filters.filterExclusionPaths && excluded) && !(filters.filterManual && isManual(abs))) folders.push(s);
      continue;
    }
    const reasons: SelectionReason[] = [];
    if (matchesBackupPattern(s.absolutePath, backup)) reasons.push('backup');
    if (excluded) reasons.push('exclusionPath');
    if (isManual(abs)) reasons.push('manual');
    entries.push({ path: s.absolutePath, memberPath: s.memberPath, size: s.size, mtimeMs: s.mtimeMs, selected: true, reasons });
    files.set(s.absolutePath, s);
  }

  if (filters.filterAlreadyFrozen && entries.length) {
    await hashEntries(catalogue, entries, signal);
    const frozen = await catalogue.alreadyFrozen(entries.map((e) => ({ name: path.basename(e.path), size: e.size, sha256: e.sha256 as string })));
    for (const [i, e] of entries.entries()) {
      if (!frozen[i]) continue;
      e.reasons.push('alreadyFrozen');
      const versions = await catalogue.versionsOf(e.path);
      const v = versions.find((x) => x.sha256 === e.sha256 && x.glacierId && !x.deletedRemote);
      const a = v ? await catalogue.getArchive(v.archiveId) : undefined;
      if (v && a) e.frozenAs = { archiveName: archiveLabel(a.description, a.id), path: v.path };
    }
  }
  for (const e of entries) {
    e.selected = !e.reasons.some((r) =>
      (r === 'backup' && filters.filterBackup) || (r === 'exclusionPath' && filters.filterExclusionPaths) ||
      (r === 'manual' && filters.filterManual) || (r === 'alreadyFrozen' && filters.filterAlreadyFrozen));
  }
  return { root, entries, folders, files };
}

function archiveLabel(description: string, id: number): string {
  const m = /;name=([^;]*)/.exec(description);
  try {
    return m ? decodeURIComponent(m[1]) : description || `archive ${id}`;
  } catch {
    return description;
  }
}

/** SHA-256 of each entry, from the catalogue's cache when unchanged; new hashes are remembered. */
export async function hashEntries(catalogue: Catalogue, entries: Array<{ path: string; size: number; mtimeMs: number; sha256?: string }>, signal?: AbortSignal): Promise<void> {
  const cached = await catalogue.cachedHashes(entries.map((e) => ({ path: e.path, size: e.size, mtimeMs: e.mtimeMs })));
  const fresh: Array<{ path: string; size: number; mtimeMs: number; sha256: string }> = [];
  for (const [i, e] of entries.entries()) {
    throwIfAborted(signal);
    if (cached[i]) {
      e.sha256 = cached[i];
      continue;
    }
    const h = await hashFile(e.path, { signal });
    e.sha256 = h.sha256;
    fresh.push({ path: e.path, size: h.size, mtimeMs: h.mtimeMs, sha256: h.sha256 });
  }
  if (fresh.length) await catalogue.write((tx) => { for (const f of fresh) tx.rememberHash(f.path, f.size, f.mtimeMs, f.sha256); });
}

/** Source entries for an exact list of files (the archive builder's selection). */
export async function selectedSources(root: string, files: readonly string[]): Promise<SourceFile[]> {
  const out: SourceFile[] = [];
  for (const f of files) {
    const abs = path.resolve(f);
    const rel = path.relative(root, abs);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) throw new FreezerError('InvalidArgument', `${abs} is not inside ${root}, the folder being frozen.`);
    const st = await fsp.lstat(abs).catch((e: Error) => { throw new FreezerError('NotFound', `Cannot read ${abs}: ${e.message}`, { cause: e }); });
    if (!st.isFile()) throw new FreezerError('InvalidArgument', `${abs} is not a regular file.`);
    out.push({ absolutePath: abs, memberPath: posix(rel), type: 'file', size: st.size, mtimeMs: st.mtimeMs, mode: st.mode & 0o7777 });
  }
  return out;
}
