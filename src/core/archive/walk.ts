import fs, { promises as fsp, type Stats } from 'node:fs';
import path from 'node:path';
import { FreezerError, throwIfAborted } from '../errors';
import { matchesBackupPattern, matchesExclusionPath } from './filters';

/** One entry to archive. Directories are reported too, so empty folders survive a round trip. */
export interface SourceFile {
  absolutePath: string;
  /** Path inside the archive: relative, '/'-separated, no '..'. */
  memberPath: string;
  type: 'file' | 'directory';
  size: number;
  mtimeMs: number;
  mode: number;
}

export type SkipReason = 'symlink' | 'special' | 'backup' | 'excluded' | 'unreadable';

export interface WalkOptions {
  /** Member paths are relative to this folder; default: each selected path's parent folder. */
  root?: string;
  /** Regexes on the full absolute path ('/' separators); a matching folder is pruned. */
  exclude?: readonly RegExp[];
  /** Regexes on the base name; default DEFAULT_BACKUP_PATTERNS; pass [] to keep everything. */
  backupPatterns?: readonly RegExp[];
  /** Called for everything left out. Symlinks are never followed nor archived: they are reported here. */
  onSkip?: (absolutePath: string, reason: SkipReason, error?: Error) => void;
  signal?: AbortSignal;
}

const toPosix = (p: string): string => p.split(path.sep).join('/');

/** Walks files and folders (recursively, sorted by name), applying the exclusion and backup filters. */
export async function* walkSources(paths: string[], opts: WalkOptions = {}): AsyncIterable<SourceFile> {
  const seen = new Set<string>();
  for (const p of paths) {
    const abs = path.resolve(p);
    const base = opts.root !== undefined ? path.resolve(opts.root) : path.dirname(abs);
    const rel = path.relative(base, abs);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
      throw new FreezerError('InvalidArgument', `${abs} is not inside the archive root ${base}.`);
    }
    let st: Stats;
    try {
      st = await fsp.lstat(abs);
    } catch (e) {
      throw new FreezerError('NotFound', `Cannot read ${abs}: ${(e as Error).message}`, { cause: e });
    }
    yield* visit(abs, toPosix(rel), st, opts, seen);
  }
}

async function* visit(abs: string, member: string, st: Stats, opts: WalkOptions, seen: Set<string>): AsyncIterable<SourceFile> {
  throwIfAborted(opts.signal);
  if (opts.exclude?.length && matchesExclusionPath(toPosix(abs), opts.exclude)) return opts.onSkip?.(abs, 'excluded');
  if (st.isSymbolicLink()) return opts.onSkip?.(abs, 'symlink');
  if (!st.isFile() && !st.isDirectory()) return opts.onSkip?.(abs, 'special');
  if (st.isFile() && matchesBackupPattern(abs, opts.backupPatterns)) return opts.onSkip?.(abs, 'backup');
  if (seen.has(member)) {
    throw new FreezerError('DuplicateMember', `Two selected items would both be stored as "${member}"; select them from a common folder instead.`);
  }
  seen.add(member);
  const common = { absolutePath: abs, memberPath: member, mtimeMs: st.mtimeMs, mode: st.mode & 0o7777 };
  if (st.isFile()) {
    yield { ...common, type: 'file', size: st.size };
    return;
  }
  yield { ...common, type: 'directory', size: 0 };
  let names: string[];
  try {
    names = await fsp.readdir(abs);
  } catch (e) {
    return opts.onSkip?.(abs, 'unreadable', e as Error);
  }
  names.sort();
  for (let i = 0; i < names.length; i += STAT_BATCH) {
    // Synchronous lstat in batches: an async one is a thread-pool round trip per entry, several
    // times the cost of the call itself for a source tree's tens of thousands of entries.
    const batch = names.slice(i, i + STAT_BATCH).map((n) => {
      const child = path.join(abs, n);
      try {
        return { n, child, st: fs.lstatSync(child) };
      } catch (e) {
        return { n, child, error: e as Error };
      }
    });
    await new Promise<void>((res) => setImmediate(res));
    for (const b of batch) {
      if (b.st) yield* visit(b.child, `${member}/${b.n}`, b.st, opts, seen);
      else opts.onSkip?.(b.child, 'unreadable', b.error);
    }
  }
}

/** Entries stat'ed between two turns of the event loop. */
const STAT_BATCH = 128;
