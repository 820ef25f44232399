import path from 'node:path';
import type { FrameIndex } from '../archive/frameIndex';
import type { ArchiveRecord } from '../catalogue';
import { legacyMemberPath } from './restoreOperation';
import type { ServiceContext } from './serviceContext';
import type { ArchiveState, FileVersion, FrozenEntry } from './types';
import { archiveName } from './viewModels';

/** One level of the frozen-file hierarchy (by original path): sub-folders first, then files. */
export async function listFrozen(ctx: ServiceContext, folder: string): Promise<FrozenEntry[]> {
  const l = await ctx.catalogue.listFolder(folder);
  return [
    ...l.folders.map((f): FrozenEntry => ({ kind: 'folder', path: f.path, name: f.name, fileCount: f.fileCount })),
    ...l.files.map((f): FrozenEntry => ({ kind: 'file', path: f.path, name: f.name, versionCount: f.versions })),
  ];
}

/** Frozen files whose path holds every word typed (see CatalogueReader.searchPaths), newest first, at most `limit`. */
export async function searchFrozen(ctx: ServiceContext, text: string, limit: number): Promise<FrozenEntry[]> {
  const words = text.split(/[\s/\\]+/).filter(Boolean);
  const hits = await ctx.catalogue.read((r) => r.searchPaths(words, limit));
  return hits.map((h): FrozenEntry => ({ kind: 'file', path: h.path, name: path.posix.basename(h.path), versionCount: h.versions }));
}

/** The folders the newest archives were frozen from, newest first: where a user most likely looks. */
export async function recentFrozenRoots(ctx: ServiceContext, limit: number): Promise<FrozenEntry[]> {
  const roots = await ctx.catalogue.read((r) => r.recentRoots(limit));
  return roots.map((h): FrozenEntry => ({ kind: 'folder', path: h.path, name: path.posix.basename(h.path) || h.path, fileCount: h.fileCount }));
}

/** Cheapest first: bytes on disk, then a retrieval done or under way, then the smallest retrieval. */
const STATE_COST: Partial<Record<ArchiveState, number>> = { local: 0, liquid: 0, melted: 1, melting: 2, frozen: 3 };

/**
 * One entry per version: identical copies (name, size, SHA-256) in several archives are one version
 * "in N archives", restored from the cheapest copy. `bytes`: each archive's stored size.
 */
export function oneEntryPerVersion(copies: FileVersion[], bytes: ReadonlyMap<number, number>): FileVersion[] {
  const groups = new Map<string, FileVersion[]>();
  for (const v of copies) {
    const k = `${v.sha256}:${v.size}`;
    groups.set(k, [...(groups.get(k) ?? []), v]);
  }
  const cost = (v: FileVersion): [number, number] => [STATE_COST[v.archiveState] ?? 9, bytes.get(v.archiveId) ?? Infinity];
  const out: FileVersion[] = [];
  for (const g of groups.values()) {
    const best = [...g].sort((a, b) => { const [x, y] = [cost(a), cost(b)]; return x[0] - y[0] || x[1] - y[1]; })[0];
    // The version dates from its first freeze.
    const first = g.reduce((a, b) => (b.frozenAt < a.frozenAt ? b : a));
    out.push(g.length === 1 ? best : { ...best, frozenAt: first.frozenAt, copies: g.length, alsoIn: g.filter((v) => v !== best).map((v) => v.archiveName) });
  }
  return out.sort((a, b) => b.frozenAt.localeCompare(a.frozenAt));
}

/** Every version of a frozen file, newest first, with where it lives and the state of its archive. */
export async function listVersions(ctx: ServiceContext, file: string): Promise<FileVersion[]> {
  const versions = await ctx.catalogue.versionsOf(file);
  const archives = new Map<number, { a: ArchiveRecord; state: ArchiveState; index?: FrameIndex }>();
  const out: FileVersion[] = [];
  for (const v of versions) {
    let info = archives.get(v.archiveId);
    if (!info) {
      const a = await ctx.requireArchive(v.archiveId);
      info = { a, state: await ctx.stateOf(a), index: (await ctx.catalogue.getFrameIndex(a.id)) as FrameIndex | undefined };
      archives.set(v.archiveId, info);
    }
    const memberPath = (v.tarOffset !== null ? info.index?.members.find((m) => m.tarOffset === v.tarOffset)?.path : undefined) ?? legacyMemberPath(v.path);
    out.push({
      path: v.path,
      name: path.posix.basename(v.path),
      size: v.size,
      sha256: v.sha256,
      ...(v.mtimeMs !== null ? { mtimeMs: v.mtimeMs } : {}),
      archiveId: v.archiveId,
      archiveName: archiveName(info.a),
      vault: v.vaultName,
      frozenAt: v.archived,
      ...(v.changed ? { changedDuringFreeze: true as const } : {}),
      memberPath,
      archiveState: info.state,
    });
  }
  return oneEntryPerVersion(out, new Map([...archives].map(([id, i]) => [id, i.a.encryptedSize ?? i.a.size])));
}
